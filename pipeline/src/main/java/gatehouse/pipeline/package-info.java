/**
 * The pipeline module (DESIGN.md): the {@code gatehouse.yml} model and runner, gates, environments and approvals,
 * split-ownership merge ({@code gatehouse.pipeline.merge}), artifacts and attestations
 * ({@code gatehouse.pipeline.attest}), the tamper-evident audit log and the store ({@code gatehouse.audit},
 * {@code gatehouse.store}).
 */
package gatehouse.pipeline;
