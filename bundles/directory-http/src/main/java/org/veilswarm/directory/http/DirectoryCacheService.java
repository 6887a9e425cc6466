package org.veilswarm.directory.http;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

import org.veilswarm.api.directory.DirectoryException;
import org.veilswarm.directory.core.FindRequest;
import org.veilswarm.directory.core.MerkleAnswer;
import org.veilswarm.directory.core.MerkleDirectory;

/**
 * What every directory server answers (docs/protocols/directory-consensus.md §5): {@code GET consensus} (gzip
 * when accepted), {@code GET merkle/header} and {@code POST merkle/find}. Holds the latest
 * {@link PublishedDirectory}; before the first one every resource answers 503.
 */
public final class DirectoryCacheService implements DirectoryHttpService {
    private volatile PublishedDirectory current;

    /**
     * Installs {@code directory} when its list is valid after a strictly later time than the one held, or is the
     * very list held (for the same period, possibly with more signatures). An older list, or another list for
     * the same period, is refused: a source replaying last period's directory must not roll caches back
     * (after dir-spec §4's rule that caches keep the newest consensus).
     *
     * @return whether it was installed
     */
    public synchronized boolean install(PublishedDirectory directory) {
        PublishedDirectory next = PublishedDirectory.require(directory);
        PublishedDirectory held = current;
        if (held != null) {
            Instant heldAfter = held.consensus().document().validAfter();
            Instant nextAfter = next.consensus().document().validAfter();
            boolean sameList = held.consensus().document().equals(next.consensus().document());
            if (!nextAfter.isAfter(heldAfter) && !sameList) {
                return false;
            }
        }
        current = next;
        return true;
    }

    /** {@link #install}, for callers that do not need to know whether it was refused as older. */
    public void update(PublishedDirectory directory) {
        install(directory);
    }

    public Optional<PublishedDirectory> current() {
        return Optional.ofNullable(current);
    }

    @Override
    public Optional<DirectoryResponse> serve(DirectoryRequest request) {
        boolean consensus = request.isGet(DirectoryPaths.CONSENSUS);
        boolean header = request.isGet(DirectoryPaths.MERKLE_HEADER);
        boolean find = request.isPost(DirectoryPaths.MERKLE_FIND);
        if (!consensus && !header && !find) {
            return Optional.empty();
        }
        PublishedDirectory d = current;
        if (d == null) {
            return Optional.of(DirectoryResponse.error(503, "no consensus yet"));
        }
        if (consensus) {
            return Optional.of(request.acceptsGzip() ? new DirectoryResponse(200, d.gzippedUnsafe(), true)
                    : DirectoryResponse.ok(d.encodedUnsafe()));
        }
        if (header) {
            return Optional.of(DirectoryResponse.ok(d.merkle().encodedHeader()));
        }
        FindRequest f;
        try {
            f = FindRequest.parse(request.body());
        } catch (DirectoryException e) {
            return Optional.of(DirectoryResponse.error(400, e.getMessage()));
        }
        // Unknown consensus and x out of range are 404: the client may ask another directory.
        MerkleDirectory merkle = d.merkle();
        if (!Arrays.equals(f.consensusId(), merkle.header().header().consensusId())) {
            return Optional.of(DirectoryResponse.error(404, "unknown consensus " + HexFormat.of().formatHex(
                    f.consensusId())));
        }
        if (f.x() >= merkle.tree(f.role()).bandwidthSum()) {
            return Optional.of(DirectoryResponse.error(404, f.x() + " is outside [0, "
                    + merkle.tree(f.role()).bandwidthSum() + ") for " + f.role()));
        }
        try {
            MerkleAnswer answer = merkle.find(f.consensusId(), f.role(), f.x());
            return Optional.of(DirectoryResponse.ok(answer.encode()));
        } catch (DirectoryException e) {
            return Optional.of(DirectoryResponse.error(500, e.getMessage()));
        }
    }
}
