package org.veilswarm.directory.authority;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.veilswarm.directory.core.DescriptorException;
import org.veilswarm.directory.http.DirectoryHttpService;
import org.veilswarm.directory.http.DirectoryPaths;
import org.veilswarm.directory.http.DirectoryRequest;
import org.veilswarm.directory.http.DirectoryResponse;

/**
 * An authority's resources (docs/protocols/directory-consensus.md §5): descriptor upload, its vote and its
 * signatures for a period, and everything a directory cache serves.
 */
public final class AuthorityHttpService implements DirectoryHttpService {
    private final DirectoryAuthority authority;

    public AuthorityHttpService(DirectoryAuthority authority) {
        this.authority = Objects.requireNonNull(authority, "authority");
    }

    @Override
    public Optional<DirectoryResponse> serve(DirectoryRequest request) {
        if (request.isPost(DirectoryPaths.DESCRIPTOR)) {
            try {
                DirectoryAuthority.Upload result = authority.accept(request.body(), request.source().orElse(null));
                return Optional.of(switch (result) {
                    case STALE -> DirectoryResponse.error(409,
                            "STALE: older than the descriptor held or than the maximum age");
                    case FULL -> DirectoryResponse.error(503, "FULL: this authority holds as many relays as it takes");
                    case RATE_LIMITED -> DirectoryResponse.error(429, rateLimited(authority.limits()));
                    default -> DirectoryResponse.ok((result.name() + "\n").getBytes(StandardCharsets.US_ASCII));
                });
            } catch (DescriptorException e) {
                return Optional.of(DirectoryResponse.error(400, e.getMessage()));
            }
        }
        if (request.method().equals("GET") && request.path().startsWith(DirectoryPaths.VOTE)) {
            return Optional.of(period(request.path().substring(DirectoryPaths.VOTE.length()))
                    .flatMap(authority::ownVote).map(v -> DirectoryResponse.ok(v.encode()))
                    .orElse(DirectoryResponse.error(404, "no vote for that period")));
        }
        if (request.method().equals("GET") && request.path().startsWith(DirectoryPaths.SIGNATURES)) {
            return Optional.of(period(request.path().substring(DirectoryPaths.SIGNATURES.length()))
                    .flatMap(authority::ownSignatures).map(s -> DirectoryResponse.ok(s.encode()))
                    .orElse(DirectoryResponse.error(404, "no consensus computed for that period")));
        }
        return authority.cache().serve(request);
    }

    /** The 429 body (RFC 6585 §4): which allowance, so an operator can tell a loop from a too-low limit. */
    static String rateLimited(AuthorityLimits limits) {
        return "RATE_LIMITED: at most " + limits.uploadsPerSource() + " descriptor uploads per source address and "
                + limits.uploadsPerIdentity() + " per relay identity every " + limits.uploadInterval().toSeconds()
                + " s; retry later";
    }

    /** Decimal epoch seconds, canonical (no sign, no leading zero). */
    static Optional<Instant> period(String text) {
        if (text.isEmpty() || text.length() > 12 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || (text.length() > 1 && text.charAt(0) == '0')) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(Long.parseLong(text)));
    }
}
