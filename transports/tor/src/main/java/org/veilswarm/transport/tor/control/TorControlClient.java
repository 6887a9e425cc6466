package org.veilswarm.transport.tor.control;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.veilswarm.crypto.Randoms;
import org.veilswarm.transport.tor.control.internal.ControlConnectionHandler;
import org.veilswarm.transport.tor.control.internal.ControlReplyDecoder;
import org.veilswarm.transport.tor.control.internal.EventParser;
import org.veilswarm.transport.tor.control.internal.ReplyTokens;
import org.veilswarm.transport.tor.control.internal.SafeCookie;

/**
 * One connection to tor's control port (control-spec). Typed calls block the calling thread until tor
 * answers (at most {@link Options#commandTimeout()}) and must not be called from the connection's event
 * loop (e.g. inside a {@link TorEventListener}); {@link #sendAsync(String)} is the non-blocking primitive.
 * Thread-safe: commands from several threads are queued and answered in order.
 *
 * <p>Usage: {@code connect(port)}, {@link #authenticate()} (reads PROTOCOLINFO, then SAFECOOKIE, COOKIE,
 * HASHEDPASSWORD or NULL, in that order of preference), then the typed calls; {@link #close()} at the end.
 * A 4xx/5xx reply throws {@link TorControlException} with tor's code; a closed connection fails every
 * pending and later command with {@link ControlConnectionClosedException}.
 */
public final class TorControlClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TorControlClient.class.getName());
    private static final Pattern CONFIG_KEY = Pattern.compile("[A-Za-z0-9_]+");
    /** GETINFO keys such as {@code status/bootstrap-phase} or {@code ns/id/$FP}: printable, no space, quote or '='. */
    private static final Pattern INFO_KEY = Pattern.compile("[!#-<>-~]+");
    private static final Pattern EVENT_NAME = Pattern.compile("[A-Z_]+");
    private static final Pattern SERVICE_ID = Pattern.compile("[a-z2-7]{56}");

    /**
     * @param commandTimeout how long a blocking call waits for tor's answer
     * @param limits bounds on reply lines and sizes
     * @param eventLoopGroup a group to run the connection on, or {@code null} for a private one-thread group the client shuts down on close
     */
    public record Options(Duration commandTimeout, ControlLimits limits, EventLoopGroup eventLoopGroup) {
        public static final Options DEFAULT = new Options(Duration.ofSeconds(30), ControlLimits.DEFAULT, null);

        public Options {
            Objects.requireNonNull(commandTimeout, "commandTimeout");
            Objects.requireNonNull(limits, "limits");
        }

        public Options withCommandTimeout(Duration timeout) {
            return new Options(timeout, limits, eventLoopGroup);
        }
    }

    private final Options options;
    private final EventLoopGroup ownedGroup;
    private final List<TorEventListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private ControlConnectionHandler handler;
    private Channel channel;

    private TorControlClient(Options options, EventLoopGroup ownedGroup) {
        this.options = options;
        this.ownedGroup = ownedGroup;
    }

    /** Connects to tor's control port on 127.0.0.1 with {@link Options#DEFAULT}. */
    public static TorControlClient connect(int port) throws TorControlException {
        return connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), Options.DEFAULT);
    }

    /** Connects to a control port. It should be on loopback: the control protocol is not encrypted. */
    public static TorControlClient connect(InetSocketAddress address, Options options) throws TorControlException {
        EventLoopGroup owned = options.eventLoopGroup() == null
                ? new NioEventLoopGroup(1, new DefaultThreadFactory("tor-control", true)) : null;
        EventLoopGroup group = owned != null ? owned : options.eventLoopGroup();
        TorControlClient client = new TorControlClient(options, owned);
        client.handler = new ControlConnectionHandler(client::dispatch);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, options.commandTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("control-reply-decoder", new ControlReplyDecoder(options.limits()));
                        ch.pipeline().addLast("control-connection", client.handler);
                    }
                });
        ChannelFuture connected = bootstrap.connect(address).awaitUninterruptibly();
        if (!connected.isSuccess()) {
            if (owned != null) {
                owned.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            throw new TorControlException("cannot connect to tor's control port at " + address + ": "
                    + connected.cause().getMessage(), connected.cause());
        }
        client.channel = connected.channel();
        client.channel.closeFuture().addListener(f -> client.closed.complete(null));
        return client;
    }

    // ---------------------------------------------------------------- raw commands

    /** Sends one command line (without CRLF) and completes with tor's reply, whatever its status. */
    public CompletableFuture<ControlReply> sendAsync(String commandLine) {
        CompletableFuture<ControlReply> reply = new CompletableFuture<>();
        handler.send(commandLine, reply);
        return reply;
    }

    /** Sends one command line and returns tor's reply, whatever its status. */
    public ControlReply send(String commandLine) throws TorControlException {
        return await(sendAsync(commandLine), keyword(commandLine));
    }

    /** Sends one command line and returns tor's reply; a 4xx/5xx reply throws. */
    public ControlReply command(String commandLine) throws TorControlException {
        String keyword = keyword(commandLine);
        return requireSuccess(keyword, await(sendAsync(commandLine), keyword));
    }

    // ---------------------------------------------------------------- authentication (control-spec §3.5, §3.21, §3.24)

    /** {@code PROTOCOLINFO 1}. Before authentication tor answers it only once per connection. */
    public ProtocolInfo protocolInfo() throws TorControlException {
        ControlReply reply = command("PROTOCOLINFO 1");
        int version = -1;
        Set<AuthMethod> methods = EnumSet.noneOf(AuthMethod.class);
        Path cookieFile = null;
        String torVersion = "";
        for (ReplyLine line : reply.lines()) {
            ReplyTokens tokens = parseTokens("PROTOCOLINFO", line.text());
            String first = tokens.positional(0);
            if ("PROTOCOLINFO".equals(first)) {
                version = parseInt("PROTOCOLINFO", tokens.positional(1));
            } else if ("AUTH".equals(first)) {
                for (String method : tokens.keywords().getOrDefault("METHODS", "").split(",")) {
                    // Methods newer than this client are of no use to it.
                    Arrays.stream(AuthMethod.values()).filter(m -> m.name().equals(method)).forEach(methods::add);
                }
                String cookie = tokens.keywords().get("COOKIEFILE");
                cookieFile = cookie == null ? null : Path.of(cookie);
            } else if ("VERSION".equals(first)) {
                torVersion = tokens.keywords().getOrDefault("Tor", "");
            }
        }
        if (version < 0) {
            throw new TorControlException("PROTOCOLINFO reply has no PROTOCOLINFO line: " + reply);
        }
        return new ProtocolInfo(version, methods, Optional.ofNullable(cookieFile), torVersion);
    }

    /** {@link #authenticate(String)} without a password. */
    public AuthMethod authenticate() throws TorControlException {
        return authenticate(null);
    }

    /**
     * Reads PROTOCOLINFO and authenticates with the best method tor offers: SAFECOOKIE, COOKIE (both read
     * the cookie file tor names), HASHEDPASSWORD (when {@code password} is given), NULL.
     *
     * @return the method used
     */
    public AuthMethod authenticate(String password) throws TorControlException {
        ProtocolInfo info = protocolInfo();
        Set<AuthMethod> offered = info.authMethods();
        if (offered.contains(AuthMethod.SAFECOOKIE) && info.cookieFile().isPresent()) {
            authenticateSafeCookie(readCookie(info.cookieFile().get()));
            return AuthMethod.SAFECOOKIE;
        }
        if (offered.contains(AuthMethod.COOKIE) && info.cookieFile().isPresent()) {
            authenticateCookie(readCookie(info.cookieFile().get()));
            return AuthMethod.COOKIE;
        }
        if (offered.contains(AuthMethod.HASHEDPASSWORD) && password != null) {
            authenticatePassword(password);
            return AuthMethod.HASHEDPASSWORD;
        }
        if (offered.contains(AuthMethod.NULL)) {
            authenticateNull();
            return AuthMethod.NULL;
        }
        throw new TorControlException("no usable authentication method: tor offers " + offered
                + (offered.contains(AuthMethod.HASHEDPASSWORD) ? " and no password was given" : ""));
    }

    /** Reads a cookie file: exactly 32 bytes (control-spec §3.5 CookieAuthFile). */
    public static byte[] readCookie(Path cookieFile) throws TorControlException {
        byte[] cookie;
        try {
            cookie = Files.readAllBytes(cookieFile);
        } catch (IOException e) {
            throw new TorControlException("cannot read tor's control cookie " + cookieFile + ": " + e.getMessage(), e);
        }
        if (cookie.length != SafeCookie.COOKIE_LENGTH) {
            throw new TorControlException("tor's control cookie " + cookieFile + " has " + cookie.length + " bytes, expected "
                    + SafeCookie.COOKIE_LENGTH);
        }
        return cookie;
    }

    /**
     * SAFECOOKIE (control-spec §3.24): AUTHCHALLENGE with a random client nonce, check tor's ServerHash
     * before revealing anything, then AUTHENTICATE with the ClientHash. The cookie never crosses the wire.
     *
     * @throws TorControlException when tor's hash does not match (the connection is closed: whoever
     *         answers does not know this cookie) or tor refuses the client hash (515)
     */
    public void authenticateSafeCookie(byte[] cookie) throws TorControlException {
        requireCookieLength(cookie);
        byte[] clientNonce = Randoms.bytes(SafeCookie.NONCE_LENGTH);
        ControlReply challenge = command("AUTHCHALLENGE SAFECOOKIE " + HexFormat.of().formatHex(clientNonce));
        ReplyTokens tokens = parseTokens("AUTHCHALLENGE", challenge.firstText());
        byte[] serverHash = hex32("SERVERHASH", tokens.keywords().get("SERVERHASH"));
        byte[] serverNonce = hex32("SERVERNONCE", tokens.keywords().get("SERVERNONCE"));
        if (!SafeCookie.serverHashMatches(cookie, clientNonce, serverNonce, serverHash)) {
            close();
            throw new TorControlException("SAFECOOKIE: tor's server hash does not match our cookie; the cookie file"
                    + " belongs to another tor (or something else answers on this port). Connection closed.");
        }
        command("AUTHENTICATE " + HexFormat.of().formatHex(SafeCookie.clientHash(cookie, clientNonce, serverNonce)));
    }

    /** COOKIE: the cookie itself, hex-encoded (control-spec §3.5). */
    public void authenticateCookie(byte[] cookie) throws TorControlException {
        requireCookieLength(cookie);
        command("AUTHENTICATE " + HexFormat.of().formatHex(cookie));
    }

    /** HASHEDPASSWORD: the password as a QuotedString (control-spec §3.5). */
    public void authenticatePassword(String password) throws TorControlException {
        command("AUTHENTICATE " + QuotedString.quote(password));
    }

    /** NULL: tor requires no authentication. */
    public void authenticateNull() throws TorControlException {
        command("AUTHENTICATE");
    }

    // ---------------------------------------------------------------- information and configuration

    /** {@code GETINFO key} (control-spec §3.9). */
    public String getInfo(String key) throws TorControlException {
        return getInfo(List.of(key)).get(key);
    }

    /**
     * {@code GETINFO k1 k2 ...}: values by key in request order; a multi-line value (a data reply) has its
     * lines joined by {@code "\n"}. An unknown key fails the whole call with 552.
     */
    public Map<String, String> getInfo(Collection<String> keys) throws TorControlException {
        requireNonEmpty(keys, "GETINFO");
        keys.forEach(k -> requireMatches(INFO_KEY, k, "GETINFO key"));
        ControlReply reply = command("GETINFO " + String.join(" ", keys));
        Map<String, String> values = new LinkedHashMap<>();
        for (ReplyLine line : reply.lines()) {
            String text = line.text();
            int eq = text.indexOf('=');
            if (eq < 0) {
                continue; // the closing "OK"
            }
            values.put(text.substring(0, eq), line.data().orElse(text.substring(eq + 1)));
        }
        for (String key : keys) {
            if (!values.containsKey(key)) {
                throw new TorControlException("GETINFO reply has no value for " + key + ": " + reply);
            }
        }
        return values;
    }

    /** {@code GETCONF key}: the option's values (several for options like HiddenServicePort), empty when unset/default. */
    public List<String> getConf(String key) throws TorControlException {
        Map<String, List<String>> all = getConf(List.of(key));
        return all.values().iterator().next();
    }

    /**
     * {@code GETCONF k1 k2 ...} (control-spec §3.3): values by option name as tor spells it (its
     * canonical case), in reply order. An unknown option fails with 552.
     */
    public Map<String, List<String>> getConf(Collection<String> keys) throws TorControlException {
        requireNonEmpty(keys, "GETCONF");
        keys.forEach(k -> requireMatches(CONFIG_KEY, k, "configuration option"));
        ControlReply reply = command("GETCONF " + String.join(" ", keys));
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (ReplyLine line : reply.lines()) {
            String text = line.text();
            int eq = text.indexOf('=');
            String key = eq < 0 ? text : text.substring(0, eq);
            List<String> list = values.computeIfAbsent(key, k -> new ArrayList<>());
            if (eq >= 0) {
                list.add(line.data().orElse(confValue(text.substring(eq + 1))));
            }
        }
        values.replaceAll((k, v) -> List.copyOf(v));
        return values;
    }

    /** {@code SETCONF key="value"}. */
    public void setConf(String key, String value) throws TorControlException {
        setConf(Map.of(key, List.of(value)));
    }

    /**
     * {@code SETCONF} (control-spec §3.1): all options change atomically or none does (then 513/552/553).
     * An empty value list resets that option to its default. Values are sent as QuotedStrings.
     */
    public void setConf(Map<String, ? extends Collection<String>> options) throws TorControlException {
        command("SETCONF" + configArguments(options));
    }

    /** {@code RESETCONF k1 k2 ...} (control-spec §3.2): back to defaults. */
    public void resetConf(String... keys) throws TorControlException {
        List<String> list = List.of(keys);
        requireNonEmpty(list, "RESETCONF");
        list.forEach(k -> requireMatches(CONFIG_KEY, k, "configuration option"));
        command("RESETCONF " + String.join(" ", list));
    }

    // ---------------------------------------------------------------- events (control-spec §3.4, §4.1)

    /** {@code SETEVENTS e1 e2 ...}: replaces the subscription; an empty collection unsubscribes from all. */
    public void setEvents(Collection<String> eventNames) throws TorControlException {
        eventNames.forEach(e -> requireMatches(EVENT_NAME, e, "event name"));
        command(eventNames.isEmpty() ? "SETEVENTS" : "SETEVENTS " + String.join(" ", eventNames));
    }

    public void addEventListener(TorEventListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeEventListener(TorEventListener listener) {
        listeners.remove(listener);
    }

    private void dispatch(ControlReply reply) {
        TorEvent event = EventParser.parse(reply);
        for (TorEventListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                // One faulty listener must not take down the control connection or starve the others.
                LOG.log(System.Logger.Level.WARNING, "tor event listener failed on " + event.type(), e);
            }
        }
    }

    // ---------------------------------------------------------------- onion services (control-spec §3.27, §3.28)

    /** {@code ADD_ONION}: creates the service and returns its ServiceID (and the key, when tor generated one). */
    public AddOnionResult addOnion(AddOnionRequest request) throws TorControlException {
        ControlReply reply = command(request.commandLine());
        String serviceId = null;
        byte[] key = null;
        for (ReplyLine line : reply.lines()) {
            String text = line.text();
            if (text.startsWith("ServiceID=")) {
                serviceId = text.substring("ServiceID=".length());
            } else if (text.startsWith("PrivateKey=ED25519-V3:")) {
                try {
                    key = Base64.getDecoder().decode(text.substring("PrivateKey=ED25519-V3:".length()));
                } catch (IllegalArgumentException e) {
                    throw new TorControlException("ADD_ONION returned a PrivateKey that is not base64");
                }
            }
        }
        if (serviceId == null || !SERVICE_ID.matcher(serviceId).matches()) {
            throw new TorControlException("ADD_ONION reply has no valid ServiceID: status " + reply.status());
        }
        try {
            return new AddOnionResult(serviceId, key);
        } finally {
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    /** {@code DEL_ONION <ServiceID>}; 552 when this tor has no such service (or it belongs to another connection). */
    public void delOnion(String serviceId) throws TorControlException {
        requireMatches(SERVICE_ID, serviceId, "ServiceID");
        command("DEL_ONION " + serviceId);
    }

    // ---------------------------------------------------------------- process control

    /** {@code SIGNAL <name>} (control-spec §3.7). After SHUTDOWN or HALT tor answers 250 and then closes. */
    public void signal(Signal signal) throws TorControlException {
        command("SIGNAL " + signal.name());
    }

    /** {@code TAKEOWNERSHIP} (control-spec §3.23): tor exits when this connection closes. */
    public void takeOwnership() throws TorControlException {
        command("TAKEOWNERSHIP");
    }

    /** {@code GETINFO status/bootstrap-phase}, parsed. */
    public BootstrapStatus bootstrapStatus() throws TorControlException {
        String phase = getInfo("status/bootstrap-phase");
        ReplyTokens tokens = parseTokens("GETINFO status/bootstrap-phase", phase);
        Map<String, String> args = tokens.keywords();
        return new BootstrapStatus(Objects.requireNonNullElse(tokens.positional(0), ""),
                parseInt("status/bootstrap-phase PROGRESS", args.get("PROGRESS")), args.getOrDefault("TAG", ""),
                args.getOrDefault("SUMMARY", ""), args);
    }

    /**
     * Polls {@link #bootstrapStatus()} every {@code pollInterval} until tor reports at least
     * {@code percent}. A tor with DisableNetwork 1 stays at 0 %.
     *
     * @throws TorControlException after {@code timeout}, naming the last phase seen
     */
    public BootstrapStatus awaitBootstrap(int percent, Duration timeout, Duration pollInterval) throws TorControlException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            BootstrapStatus status = bootstrapStatus();
            if (status.progress() >= percent) {
                return status;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new TorControlException("tor bootstrap at " + status.progress() + "% (" + status.tag() + ": "
                        + status.summary() + ") after " + timeout + ", waiting for " + percent + "%");
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TorControlException("interrupted while waiting for tor to bootstrap", e);
            }
        }
    }

    // ---------------------------------------------------------------- connection

    public boolean isOpen() {
        return channel.isActive();
    }

    /** Completes when the connection has closed (e.g. tor exited after SIGNAL SHUTDOWN). */
    public CompletableFuture<Void> closed() {
        return closed.copy();
    }

    /** Closes the connection (pending commands fail) and, if the client owns its event loop, stops it. */
    @Override
    public void close() {
        ChannelFuture closing = channel.close();
        if (!channel.eventLoop().inEventLoop()) {
            closing.awaitUninterruptibly(options.commandTimeout().toMillis());
        }
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    // ---------------------------------------------------------------- helpers

    private ControlReply await(CompletableFuture<ControlReply> reply, String keyword) throws TorControlException {
        if (channel.eventLoop().inEventLoop()) {
            throw new IllegalStateException("blocking control call " + keyword + " on the connection's event loop; use sendAsync");
        }
        try {
            return reply.get(options.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TorControlException("interrupted while waiting for the reply to " + keyword, e);
        } catch (TimeoutException e) {
            throw new TorControlException("no reply to " + keyword + " within " + options.commandTimeout());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ControlConnectionClosedException closedException) {
                throw new ControlConnectionClosedException(keyword + " failed: " + closedException.getMessage(), closedException);
            }
            if (cause instanceof TorControlException failure) {
                throw failure;
            }
            throw new TorControlException(keyword + " failed: " + cause, cause);
        }
    }

    private static ControlReply requireSuccess(String keyword, ControlReply reply) throws TorControlException {
        if (!reply.isSuccess()) {
            throw TorControlException.fromReply(keyword, reply);
        }
        return reply;
    }

    /** The command's first word: error messages name it and never the arguments, which may be keys or passwords. */
    private static String keyword(String commandLine) {
        int space = commandLine.indexOf(' ');
        return space < 0 ? commandLine : commandLine.substring(0, space);
    }

    private static String configArguments(Map<String, ? extends Collection<String>> options) {
        if (options.isEmpty()) {
            throw new IllegalArgumentException("SETCONF needs at least one option");
        }
        StringBuilder args = new StringBuilder();
        for (Map.Entry<String, ? extends Collection<String>> option : options.entrySet()) {
            requireMatches(CONFIG_KEY, option.getKey(), "configuration option");
            if (option.getValue().isEmpty()) {
                args.append(' ').append(option.getKey());
            }
            for (String value : option.getValue()) {
                args.append(' ').append(option.getKey()).append('=').append(QuotedString.quote(value));
            }
        }
        return args.toString();
    }

    /**
     * tor writes a GETCONF value raw unless it needs escaping (a leading quote, CR, LF, '#', or anything
     * not printable ASCII, as tor's config_value_needs_escape decides); then it is a QuotedString. A raw
     * value never starts with a quote, so the first character tells the two apart.
     */
    private static String confValue(String value) throws TorControlException {
        if (!value.startsWith("\"")) {
            return value;
        }
        try {
            return QuotedString.unquote(value);
        } catch (IllegalArgumentException e) {
            throw new TorControlException("malformed GETCONF value: " + e.getMessage());
        }
    }

    private static ReplyTokens parseTokens(String what, String text) throws TorControlException {
        try {
            return ReplyTokens.parse(text);
        } catch (IllegalArgumentException e) {
            throw new TorControlException("malformed " + what + " reply: " + e.getMessage());
        }
    }

    private static int parseInt(String what, String text) throws TorControlException {
        try {
            return Integer.parseInt(Objects.requireNonNull(text));
        } catch (NumberFormatException | NullPointerException e) {
            throw new TorControlException("malformed " + what + ": expected a number, got " + text);
        }
    }

    private static byte[] hex32(String name, String hex) throws TorControlException {
        try {
            byte[] bytes = HexFormat.of().parseHex(Objects.requireNonNull(hex));
            if (bytes.length == 32) {
                return bytes;
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            // reported below
        }
        throw new TorControlException("malformed AUTHCHALLENGE reply: " + name + " is not 32 hex-encoded bytes");
    }

    private static void requireCookieLength(byte[] cookie) {
        if (cookie == null || cookie.length != SafeCookie.COOKIE_LENGTH) {
            throw new IllegalArgumentException("a control cookie is " + SafeCookie.COOKIE_LENGTH + " bytes");
        }
    }

    private static void requireMatches(Pattern pattern, String value, String what) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + ": " + value);
        }
    }

    private static void requireNonEmpty(Collection<String> keys, String command) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(command + " needs at least one key");
        }
    }
}
