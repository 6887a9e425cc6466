/**
 * The directory authority engine, plain Java (docs/protocols/directory-consensus.md §1–§4): accepting relay
 * descriptors ({@link org.veilswarm.directory.authority.DirectoryAuthority#accept}), reachability checks
 * through a {@link org.veilswarm.directory.authority.ReachabilityProbe}, flag assignment
 * ({@link org.veilswarm.directory.authority.FlagRules}), votes and their combination
 * ({@link org.veilswarm.directory.authority.VoteCombiner}), signing and majority-signature collection. The
 * DS component that runs it on a schedule is in the {@code impl} package.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.veilswarm.directory.authority;
