package org.veilswarm.swarm.storage;

/**
 * How {@link PieceStore#open} established which pieces are verified.
 *
 * @param resumeUsed        resume data was present, intact and for this torrent
 * @param resumeProblem     why resume data was not used (empty string when it was)
 * @param trustedPieces     pieces taken from resume data without hashing (their files were unchanged)
 * @param hashedPieces      pieces read back and hashed (changed files, or a full recheck)
 * @param verifiedPieces    pieces verified after opening
 */
public record OpenReport(boolean resumeUsed, String resumeProblem, int trustedPieces, int hashedPieces,
                         int verifiedPieces) {
}
