/**
 * The tamper-evident audit log (DESIGN.md "Audit log", docs/audit.md): an append-only SHA-256 hash chain of
 * {@link gatehouse.audit.AuditEntry entries} in the store, sealed by Ed25519-signed {@link
 * gatehouse.audit.Checkpoint checkpoints}, checked by {@link gatehouse.audit.AuditVerifier} against
 * the store or a JSON-lines export.
 */
package gatehouse.audit;
