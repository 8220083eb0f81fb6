package io.mdmsim.mdm;

/**
 * The device facts of an ADE enrollment request (ADM {@code other/machineinfo.yaml}); keys the server does not use
 * are kept only in {@code raw}.
 */
record MachineInfo(String udid, String serial, String product, String version, String osVersion, String imei,
        String meid, String language, byte[] raw) {}
