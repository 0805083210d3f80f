/**
 * {@code gatehouse keygen}, {@code gatehouse attest} and {@code gatehouse verify}: thin front-ends over
 * {@code gatehouse.pipeline.attest}. They parse flags, print, and map outcomes to exit codes; every decision
 * (digests, formats, signature checks) is made in the library, which the pipeline runner calls too.
 */
package gatehouse.cli.attest;
