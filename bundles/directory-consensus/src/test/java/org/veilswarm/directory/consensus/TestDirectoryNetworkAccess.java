package org.veilswarm.directory.consensus;

import java.net.InetSocketAddress;
import java.util.Map;

import org.veilswarm.api.directory.SignedRelayDescriptor;
import org.veilswarm.directory.core.AuthoritySet;
import org.veilswarm.directory.core.ConsensusDocument;
import org.veilswarm.directory.http.DirectoryHttpService;
import org.veilswarm.directory.http.PublishedDirectory;

import io.netty.channel.EventLoopGroup;

/** {@link TestDirectoryNetwork} for the tests of the {@code impl} package. */
public final class TestDirectoryNetworkAccess implements AutoCloseable {
    private final TestDirectoryNetwork net = new TestDirectoryNetwork();

    public ConsensusDocument document(long... weights) {
        return net.document(net.entries(weights));
    }

    public PublishedDirectory published(ConsensusDocument d) {
        return net.published(d);
    }

    public SignedRelayDescriptor relayDescriptor(int i) {
        return net.entries(1, 1).get(i).signed();
    }

    public InetSocketAddress serve(DirectoryHttpService service) throws InterruptedException {
        return net.serve(service);
    }

    public InetSocketAddress closedPort() throws java.io.IOException {
        return TestDirectoryNetwork.closedPort();
    }

    public String authorityEntry(int i, InetSocketAddress address) {
        return net.authorityEntry(i, address);
    }

    public AuthoritySet authorities() {
        return net.authorities;
    }

    public EventLoopGroup group() {
        return net.group;
    }

    public <T> T config(Class<T> type, Map<String, Object> values) {
        return TestDirectoryNetwork.config(type, values);
    }

    @Override
    public void close() throws Exception {
        net.close();
    }
}
