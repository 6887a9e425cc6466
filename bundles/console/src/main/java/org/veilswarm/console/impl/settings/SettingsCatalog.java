package org.veilswarm.console.impl.settings;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The settings the console offers, each backed by a property some bundle really reads. PIDs and defaults mirror
 * the owning components' metatype ({@code @ObjectClassDefinition}); they are repeated here, not imported, because
 * those components live in implementation packages no other bundle may import.
 */
public final class SettingsCatalog {

    /** PID of the console's own settings (the default download directory). */
    public static final String CONSOLE_SETTINGS_PID = "org.veilswarm.console.settings";
    static final String NODE_PID = "org.veilswarm.node";
    static final String TRACKER_PID = "org.veilswarm.tracker";
    static final String SWARM_PID = "org.veilswarm.swarm";
    static final String SHARE_PID = "org.veilswarm.share";
    static final String ONION_PID = "org.veilswarm.transport.onion";

    public static final String NICKNAME = "nickname";
    public static final String DOWNLOAD_DIRECTORY = "downloadDirectory";
    public static final String TRACKER_PORT = "trackerPort";
    public static final String SWARM_PORT = "swarmPort";
    public static final String ANNOUNCE_INTERVAL = "announceIntervalSeconds";
    public static final String LINK_TRANSPORT = "linkTransport";
    public static final String ONION_WAIT = "onionWaitSeconds";
    public static final String SERVICES_PER_SHARE = "servicesPerShare";
    public static final String UPLOAD_LIMIT = "uploadLimit";
    public static final String DOWNLOAD_LIMIT = "downloadLimit";
    public static final String RELAY_RATE = "relayBandwidthRate";
    public static final String RELAY_BURST = "relayBandwidthBurst";
    /** Rates are stored as Integer: up to 2 GiB/s, far above what a node moves. */
    private static final long MAX_RATE = Integer.MAX_VALUE;

    private final List<Setting> settings;
    private final List<UnavailableSetting> unavailable;

    /** @param dataDirectory the node's data directory; downloads go to its {@code downloads} folder by default */
    public SettingsCatalog(Path dataDirectory) {
        this.settings = List.of(
                new Setting(NICKNAME, NODE_PID, "nickname", Setting.Type.TEXT, 1, 64, "veilswarm", "Nickname",
                        "A display name for this node in the console and the CLI; not secret, not unique."
                                + " Applies at once."),
                new Setting(DOWNLOAD_DIRECTORY, CONSOLE_SETTINGS_PID, "downloadDirectory", Setting.Type.PATH, 1,
                        4096, dataDirectory.resolve("downloads").toString(), "Download directory",
                        "Where downloads go when no directory is given (the Downloads page fills it in)."),
                new Setting(TRACKER_PORT, TRACKER_PID, "port", Setting.Type.INTEGER, 1, 65535, 6969, "Tracker port",
                        "Port of this node's tracker on every transport; share links name it. The tracker restarts"
                                + " on the new port at once; links handed out before name the old port. A launcher"
                                + " started with --tracker-port sets it again at every start."),
                new Setting(SWARM_PORT, SWARM_PID, "port", Setting.Type.INTEGER, 1, 65535, 8429, "Peer port",
                        "Port peers connect to, on every transport. The swarm engine restarts on the new port at"
                                + " once (connections drop and are made again). --swarm-port of the launcher"
                                + " overrides it at every start."),
                new Setting(ANNOUNCE_INTERVAL, TRACKER_PID, "interval", Setting.Type.INTEGER, 900, 86_400, 1800,
                        "Announce interval (s)", "How often peers are asked to announce to this node's tracker"
                                + " (at least the tracker's minimum interval, 900 s by default)."),
                new Setting(LINK_TRANSPORT, SHARE_PID, "linkTransport", Setting.Type.CHOICE, 0, 0, "prefer-onion",
                        "Link transport", "prefer-onion: the node's onion service when the tor or onion"
                                + " transport publishes the tracker, else the direct transport (NOT anonymous, with"
                                + " a warning); onion-only: no share without an onion link; direct: the direct"
                                + " transport (LAN, tests). For shares created from now on.",
                        List.of("prefer-onion", "onion-only", "direct")),
                new Setting(ONION_WAIT, SHARE_PID, "onionWaitSeconds", Setting.Type.INTEGER, 0, 3600, 120,
                        "Onion wait (s)", "How long a new share waits for the tracker's onion service when an"
                                + " anonymous transport is bound but not published yet."),
                new Setting(SERVICES_PER_SHARE, SHARE_PID, "servicesPerShare", Setting.Type.INTEGER, 0, 8, 2,
                        "Onion services per share (K)", "How many onion services of its own each share is published"
                                + " on; a downloader connects to each over its own circuit. 0: shares are listed"
                                + " under the node's own onion service only. The share component restarts and"
                                + " publishes every share again with the new K."),
                new Setting(UPLOAD_LIMIT, SWARM_PID, "uploadRate", Setting.Type.INTEGER, 0, MAX_RATE, 0,
                        "Upload rate limit (bytes/s)", "Payload bytes per second sent to peers over all torrents;"
                                + " 0 for no limit. The swarm engine restarts with it at once (connections drop and"
                                + " are made again)."),
                new Setting(DOWNLOAD_LIMIT, SWARM_PID, "downloadRate", Setting.Type.INTEGER, 0, MAX_RATE, 0,
                        "Download rate limit (bytes/s)", "Payload bytes per second requested from peers over all"
                                + " torrents; 0 for no limit. The swarm engine restarts with it at once."),
                new Setting(RELAY_RATE, ONION_PID, "bandwidthRate", Setting.Type.INTEGER, 0, MAX_RATE, 0,
                        "Relay bandwidth rate (bytes/s)", "Average bytes per second the native onion relay reads"
                                + " over all its links (relayed and own traffic); 0 for no limit. Links wait, no"
                                + " cell is dropped. The onion transport restarts at once: its circuits and onion"
                                + " services are built again."),
                new Setting(RELAY_BURST, ONION_PID, "bandwidthBurst", Setting.Type.INTEGER, 0, MAX_RATE, 0,
                        "Relay bandwidth burst (bytes)", "Bytes the onion relay may read at once above the rate;"
                                + " 0 for equal to the rate, else at least the rate. Restarts the onion transport."));
        // Every setting issue #8 asks for has a bundle that reads it; new ones start here until one does.
        this.unavailable = List.of();
    }

    public List<Setting> settings() {
        return settings;
    }

    public List<UnavailableSetting> unavailable() {
        return unavailable;
    }

    public Optional<Setting> find(String name) {
        return settings.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public List<String> names() {
        return settings.stream().map(Setting::name).toList();
    }
}
