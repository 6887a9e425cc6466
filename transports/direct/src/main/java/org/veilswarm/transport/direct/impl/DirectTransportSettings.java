package org.veilswarm.transport.direct.impl;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

import org.veilswarm.api.transport.TransportAddress;

import io.netty.util.NetUtil;

/**
 * The direct transport's settings, validated: every value here is usable as is. Build with
 * {@link #builder()}; each setter names the configuration key it checks in its error message, because
 * the DS component feeds operator input straight into it.
 *
 * @param bindAddress local address listeners bind (an IP literal; {@code 0.0.0.0} or {@code ::} for all)
 * @param advertisedHost host reported in {@link org.veilswarm.api.transport.Listener#address()}; empty to
 *     report the bind address
 * @param workerThreads event-loop threads carrying streams
 * @param connectTimeoutMillis how long an outbound connect may take, DNS included
 * @param maxConnections inbound streams open at once, over all listeners; more are closed at once
 * @param acceptBacklog pending connections the kernel queues per listener (capped by {@code somaxconn})
 * @param tcpKeepAlive whether to set {@code SO_KEEPALIVE} on every stream, so dead peers are noticed
 * @param allowedSources which remote addresses may connect to listeners
 * @param nativeTransport whether to use Netty's native epoll transport where it loads (Linux); false: always
 *     the JDK's NIO
 * @param listenerPerLoop with epoll, whether a listener binds one {@code SO_REUSEPORT} socket per event loop,
 *     so every loop accepts its own connections (the kernel spreads them); false, or with NIO: one socket,
 *     accepting on one loop, handing streams round robin to all loops
 */
public record DirectTransportSettings(InetAddress bindAddress, String advertisedHost, int workerThreads,
        int connectTimeoutMillis, int maxConnections, int acceptBacklog, boolean tcpKeepAlive,
        SourceFilter allowedSources, boolean nativeTransport, boolean listenerPerLoop) {

    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_WORKER_THREADS = 2;
    public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final int DEFAULT_ACCEPT_BACKLOG = 1024;
    public static final boolean DEFAULT_TCP_KEEP_ALIVE = true;
    /**
     * Epoll where it loads. It was NIO for a while: two magnet fetches in the swarm tests stalled on epoll, which
     * turned out to be the swarm's duplicate-connection rule racing a fetch's close against the next connection
     * (fixed in MetainfoFetch, MagnetFetchThenDownloadTest), made likely by epoll's accept on every loop.
     */
    public static final boolean DEFAULT_NATIVE_TRANSPORT = true;
    public static final boolean DEFAULT_LISTENER_PER_LOOP = true;

    static final int MAX_WORKER_THREADS = 256;
    static final int MAX_CONNECT_TIMEOUT_MILLIS = 600_000;
    static final int MAX_MAX_CONNECTIONS = 1_000_000;
    static final int MAX_ACCEPT_BACKLOG = 65_535;

    public DirectTransportSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(allowedSources, "allowedSources");
        requireRange("workerThreads", workerThreads, 1, MAX_WORKER_THREADS);
        requireRange("connectTimeoutMillis", connectTimeoutMillis, 1, MAX_CONNECT_TIMEOUT_MILLIS);
        requireRange("maxConnections", maxConnections, 1, MAX_MAX_CONNECTIONS);
        requireRange("acceptBacklog", acceptBacklog, 1, MAX_ACCEPT_BACKLOG);
    }

    /** The defaults: loopback only, 2 workers, 10 s connect timeout, 1024 inbound streams. */
    public static DirectTransportSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether listeners accept on every interface, which makes the advertised host matter. */
    boolean bindsWildcard() {
        return bindAddress.isAnyLocalAddress();
    }

    /** The host peers are told to use, as a transport address host. */
    String reportedHost() {
        return advertisedHost.isEmpty() ? NetUtil.toAddressString(bindAddress) : advertisedHost;
    }

    private static void requireRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + "-" + max + ", got " + value);
        }
    }

    /** Collects settings; {@link #build()} validates them. Starts from the defaults. */
    public static final class Builder {
        private InetAddress bindAddress = NetUtil.createInetAddressFromIpAddressString(DEFAULT_BIND_ADDRESS);
        private String advertisedHost = "";
        private int workerThreads = DEFAULT_WORKER_THREADS;
        private int connectTimeoutMillis = DEFAULT_CONNECT_TIMEOUT_MILLIS;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int acceptBacklog = DEFAULT_ACCEPT_BACKLOG;
        private boolean tcpKeepAlive = DEFAULT_TCP_KEEP_ALIVE;
        private SourceFilter allowedSources = SourceFilter.anyone();
        private boolean nativeTransport = DEFAULT_NATIVE_TRANSPORT;
        private boolean listenerPerLoop = DEFAULT_LISTENER_PER_LOOP;

        private Builder() {
        }

        /**
         * @param ipLiteral an IPv4 or IPv6 address literal; host names are refused so that activation never
         *     waits for DNS and never binds something other than what the operator read in the config
         */
        public Builder bindAddress(String ipLiteral) {
            String text = ipLiteral == null ? "" : ipLiteral.trim();
            if (text.startsWith("[") && text.endsWith("]")) {
                text = text.substring(1, text.length() - 1);
            }
            InetAddress address = NetUtil.createInetAddressFromIpAddressString(text);
            if (address == null) {
                throw new IllegalArgumentException("bindAddress must be an IP address such as 127.0.0.1, "
                        + "0.0.0.0 or ::, got '" + ipLiteral + "'");
            }
            this.bindAddress = address;
            return this;
        }

        /** @param host an IP literal or DNS name peers can reach; empty to report the bind address */
        public Builder advertisedHost(String host) {
            String text = host == null ? "" : host.trim();
            if (!text.isEmpty()) {
                try {
                    text = new TransportAddress(text, 1).host();
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("advertisedHost: " + e.getMessage(), e);
                }
                if (text.endsWith(".onion")) {
                    throw new IllegalArgumentException("advertisedHost cannot be an onion address: the direct "
                            + "transport is plain TCP");
                }
            }
            this.advertisedHost = text;
            return this;
        }

        public Builder workerThreads(int n) {
            this.workerThreads = n;
            return this;
        }

        public Builder connectTimeoutMillis(int millis) {
            this.connectTimeoutMillis = millis;
            return this;
        }

        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        public Builder acceptBacklog(int n) {
            this.acceptBacklog = n;
            return this;
        }

        public Builder tcpKeepAlive(boolean on) {
            this.tcpKeepAlive = on;
            return this;
        }

        /** @param cidrBlocks for example {@code 192.168.1.0/24}; none means anyone may connect */
        public Builder allowedSources(List<String> cidrBlocks) {
            this.allowedSources = SourceFilter.parse(cidrBlocks == null ? List.of() : cidrBlocks);
            return this;
        }

        /** @param on false: the JDK's NIO even where Netty's native epoll transport would load */
        public Builder nativeTransport(boolean on) {
            this.nativeTransport = on;
            return this;
        }

        /** @param on with epoll, one {@code SO_REUSEPORT} socket per event loop for every listener */
        public Builder listenerPerLoop(boolean on) {
            this.listenerPerLoop = on;
            return this;
        }

        public DirectTransportSettings build() {
            return new DirectTransportSettings(bindAddress, advertisedHost, workerThreads, connectTimeoutMillis,
                    maxConnections, acceptBacklog, tcpKeepAlive, allowedSources, nativeTransport, listenerPerLoop);
        }
    }
}
