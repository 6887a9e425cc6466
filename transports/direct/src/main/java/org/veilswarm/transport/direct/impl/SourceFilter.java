package org.veilswarm.transport.direct.impl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

/**
 * Which remote addresses may open inbound streams: a list of CIDR blocks ({@code 192.168.1.0/24},
 * {@code fd00::/8}, RFC 4632 / RFC 4291 §2.3 prefix notation), or everyone when the list is empty.
 */
public final class SourceFilter {
    private static final SourceFilter ANYONE = new SourceFilter(List.of(), List.of());

    private final List<String> blocks;
    private final List<IpSubnetFilterRule> rules;

    private SourceFilter(List<String> blocks, List<IpSubnetFilterRule> rules) {
        this.blocks = blocks;
        this.rules = rules;
    }

    /** Accepts every source. */
    static SourceFilter anyone() {
        return ANYONE;
    }

    /**
     * Parses CIDR blocks; a bare address means that single host ({@code /32} or {@code /128}).
     *
     * @throws IllegalArgumentException naming the block that is not valid
     */
    static SourceFilter parse(List<String> cidrBlocks) {
        List<String> blocks = new ArrayList<>();
        List<IpSubnetFilterRule> rules = new ArrayList<>();
        for (String raw : cidrBlocks) {
            String block = raw == null ? "" : raw.trim();
            if (block.isEmpty()) {
                continue; // ConfigAdmin UIs tend to leave an empty row behind
            }
            rules.add(rule(block));
            blocks.add(block);
        }
        return blocks.isEmpty() ? ANYONE : new SourceFilter(List.copyOf(blocks), List.copyOf(rules));
    }

    private static IpSubnetFilterRule rule(String block) {
        int slash = block.indexOf('/');
        String host = slash < 0 ? block : block.substring(0, slash);
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(host);
        if (address == null) {
            throw new IllegalArgumentException("allowedSources: '" + block
                    + "' is not an IP address or CIDR block such as 192.168.1.0/24");
        }
        int maxPrefix = address.getAddress().length * 8;
        int prefix = maxPrefix;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(block.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > maxPrefix) {
                throw new IllegalArgumentException("allowedSources: prefix length in '" + block
                        + "' must be 0-" + maxPrefix);
            }
        }
        return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
    }

    /** Whether a stream from {@code remote} may be accepted. */
    boolean allows(InetSocketAddress remote) {
        if (rules.isEmpty()) {
            return true;
        }
        for (IpSubnetFilterRule rule : rules) {
            if (rule.matches(remote)) {
                return true;
            }
        }
        return false;
    }

    /** The blocks as configured (empty: anyone). */
    public List<String> blocks() {
        return blocks;
    }

    @Override
    public String toString() {
        return blocks.isEmpty() ? "anyone" : String.join(", ", blocks);
    }
}
