package org.veilswarm.directory.http;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.veilswarm.api.directory.RelayDescriptor;
import org.veilswarm.directory.core.AuthoritySet;

/**
 * Configuration strings of the directory schemes: authorities as {@code <identity>@<host>:<port>} (identity =
 * unpadded base64 of the Ed25519 key, as in descriptors) and directory servers as {@code <host>:<port>}.
 */
public final class DirectoryEndpoints {
    private DirectoryEndpoints() {
    }

    /** One configured authority. */
    public record Authority(RelayDescriptor.Key key, InetSocketAddress address) {
    }

    /** @throws IllegalArgumentException naming the bad entry */
    public static List<Authority> authorities(String[] entries) {
        List<Authority> list = new ArrayList<>();
        for (String entry : entries) {
            int at = entry.indexOf('@');
            if (at <= 0) {
                throw new IllegalArgumentException("authority '" + entry + "' is not <base64 key>@<host>:<port>");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(0, at));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("authority '" + entry + "': the key is not base64");
            }
            if (key.length != 32) {
                throw new IllegalArgumentException("authority '" + entry + "': the key is not 32 bytes");
            }
            list.add(new Authority(new RelayDescriptor.Key(key), address(entry.substring(at + 1))));
        }
        return list;
    }

    public static AuthoritySet authoritySet(List<Authority> authorities) {
        Set<RelayDescriptor.Key> keys = new HashSet<>();
        authorities.forEach(a -> keys.add(a.key()));
        if (keys.size() != authorities.size()) {
            throw new IllegalArgumentException("an authority key is configured twice");
        }
        return new AuthoritySet(keys);
    }

    /** {@code host:port} or {@code [v6]:port}, unresolved (a name is resolved when connecting). */
    public static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not <host>:<port>");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "': port out of range");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    public static List<InetSocketAddress> addresses(String[] entries) {
        List<InetSocketAddress> list = new ArrayList<>();
        for (String e : entries) {
            list.add(address(e));
        }
        return list;
    }
}
