package io.mdmsim.mdm.model;

/**
 * The device facts of an ADE enrollment request (ADM {@code other/machineinfo.yaml}); keys the server does not use
 * are kept only in {@code raw}.
 *
 * @param canRequestSoftwareUpdate MDM_CAN_REQUEST_SOFTWARE_UPDATE: the device understands a 403
 *     com.apple.softwareupdate.required (iOS 17+)
 */
public record MachineInfo(String udid, String serial, String product, String version, String osVersion, String imei,
        String meid, String language, boolean canRequestSoftwareUpdate, byte[] raw) {}
