/**
 * Split-ownership merge (DESIGN.md "Split ownership"): CloudFormation fragments owned by security, ops and dev are
 * checked with their owners' Guard rules, merged section by section with "security always wins" (a lower owner's
 * redefinition or alteration of a higher owner's element is a blocking finding, never a silent override), and the
 * merged template is checked with every owner's rules, its findings pointing back at the fragments. The entry point
 * is {@link gatehouse.pipeline.merge.SplitOwnershipMerge}; the user documentation is docs/merge.md.
 */
package gatehouse.pipeline.merge;
