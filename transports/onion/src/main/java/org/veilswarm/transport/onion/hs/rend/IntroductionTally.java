package org.veilswarm.transport.onion.hs.rend;

/**
 * Where a {@link RendezvousService} reports what became of each INTRODUCE2, for the transport's statistics
 * (the console's onion services figures). Called on the intro circuit's event loop: implementations count and
 * return, nothing more.
 */
public interface IntroductionTally {
    /** Counts nothing. */
    IntroductionTally NONE = new IntroductionTally() {
        @Override
        public void accepted() {
        }

        @Override
        public void refused(String reason) {
        }

        @Override
        public void rendezvousFailed() {
        }
    };

    /** An introduction passed every check and a circuit to its rendezvous point is being built. */
    void accepted();

    /**
     * An introduction was refused or dropped: {@code reason} is one of the words of
     * {@link IntroductionCheck.Reason#word()}, {@code busy} (too many rendezvous circuits being built) or
     * {@code service-closed}.
     */
    void refused(String reason);

    /** The circuit to an accepted introduction's rendezvous point could not be built or joined. */
    void rendezvousFailed();
}
