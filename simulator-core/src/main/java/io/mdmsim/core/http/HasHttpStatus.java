package io.mdmsim.core.http;

/**
 * Implemented by exceptions of other packages that know which HTTP status they mean (for example a DEP OAuth failure:
 * 400 or 401). {@link ErrorMapper} answers them with that status and their message as readable text.
 */
public interface HasHttpStatus {
    int httpStatus();
}
