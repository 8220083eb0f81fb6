package io.mdmsim.mdm.device;

import io.mdmsim.mdm.reference.CompanyPortalService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the MDM knows of one enrollment's Company Portal, Single App Mode, supervision and critical apps deferred past
 * DeviceConfigured (docs/mdm-endpoint.md "Company Portal and Single App Mode"; {@link CompanyPortalService}). Read and written only under the lock of its
 * {@link DeviceRecord}; a new enrollment (Authenticate) starts with a fresh one.
 */
public final class PortalState {

    /** Company Portal's InstallApplication: queued, acknowledged (installed or installing) or refused. */
    public enum AppState { QUEUED, INSTALLED, FAILED }

    /**
     * Single App Mode: the lock profile is queued (LOCKING), installed (LOCKED), refused by the device (REFUSED); after
     * the sign-in its RemoveProfile is queued (LIFTING) and acknowledged (LIFTED).
     */
    public enum SingleAppMode { LOCKING, LOCKED, REFUSED, LIFTING, LIFTED }

    /** Whether setupAdditions ran for this enrollment (it runs once). */
    public boolean additionsQueued;

    public String companyPortalCommandUuid;
    public AppState companyPortal;
    public String companyPortalNote;

    public String lockCommandUuid;
    public String liftCommandUuid;
    public SingleAppMode singleAppMode;
    public String singleAppModeNote;
    public Instant lockedAt;
    public Instant liftedAt;

    /** The user who signed in to Company Portal, and when. */
    public String companyPortalUser;
    public Instant signedInAt;

    /** Supervision as the enrollment profile and OS version imply it, and why (the device's own answer wins). */
    public Boolean profileSupervised;
    public String profileSupervisedWhy;

    /** Await final configuration on iOS before 16: critical apps queued after DeviceConfigured, not before. */
    public final List<String> appsAfterConfigured = new ArrayList<>();
    public boolean appsAfterConfiguredQueued;

    /** Without user affinity: the first user who signed in to Company Portal (IntuneUDAUserlessDevice); kept. */
    public String primaryUser;

    /** Why a device that awaits configuration was not held (outside the seeds' supported cases); null when held. */
    public String awaitNote;
}
