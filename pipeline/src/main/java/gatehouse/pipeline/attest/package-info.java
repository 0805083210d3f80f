/**
 * Artifacts and attestations: SHA-256 digests of files and directories, in-toto Statement v1 with a SLSA
 * Provenance v1 predicate, signed in a DSSE envelope with the JDK's own Ed25519 or ECDSA P-256 (no third-party
 * crypto), and verification of envelope, signature and subject digests.
 *
 * <p>Entry points: {@link gatehouse.pipeline.attest.Attestor} (sign), {@link gatehouse.pipeline.attest.Verifier}
 * (check), {@link gatehouse.pipeline.attest.Keys} (load and generate keys), {@link gatehouse.pipeline.attest.Digests}
 * (hash artifacts). The formats are documented in {@code docs/attestations.md}.
 */
package gatehouse.pipeline.attest;
