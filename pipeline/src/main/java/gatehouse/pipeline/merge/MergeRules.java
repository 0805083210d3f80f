package gatehouse.pipeline.merge;

import gatehouse.core.finding.Rule;
import gatehouse.core.finding.Severity;
import java.util.List;

/**
 * The rules of the merge itself ("security always wins"), documented in docs/merge.md. Every rule but
 * {@link #UNUSED_DESCRIPTION} is blocking: its findings fail the merge.
 */
public final class MergeRules {
    public static final Rule REDEFINED = new Rule("GH-MERGE-001",
            "A lower-precedence owner redefines or alters an element a higher owner defines", Severity.CRITICAL, 50, "merge",
            "Split ownership: what a higher owner (by default security) defines must reach the merged template as written. "
                    + "A lower owner's differing definition of the same logical id, parameter, condition, mapping, rule, output "
                    + "or metadata key would otherwise replace, weaken or extend it without that owner's review.",
            "Remove the definition from the lower owner's fragment and refer to the element with Ref or Fn::GetAtt, or ask "
                    + "its owner to make the change in their own fragment.", List.of(), "docs/merge.md#gh-merge-001");
    public static final Rule CONFLICT = new Rule("GH-MERGE-002",
            "The same owner (or owners of equal precedence) define an element twice, differently", Severity.CRITICAL, 50,
            "merge", "Two differing definitions with no precedence between them leave no rightful one; picking either "
                    + "would be a silent override.", "Keep one definition (identical copies are fine) and delete or rename the other.",
            List.of(), "docs/merge.md#gh-merge-002");
    public static final Rule ATTACHED = new Rule("GH-MERGE-003",
            "A lower-precedence resource attaches to and alters a higher owner's resource", Severity.CRITICAL, 50, "merge",
            "Some resource types exist only to change another resource: an ingress rule added to a security group, a policy "
                    + "attached to a role, a bucket policy, a route in a route table. Created by a lower owner against a higher "
                    + "owner's resource, they weaken it as surely as editing it would.",
            "Move the attachment into the higher owner's fragments (their review), or attach it to a resource the lower "
                    + "owner defines.", List.of(), "docs/merge.md#gh-merge-003");
    public static final Rule LOWER_DEPENDENCY = new Rule("GH-MERGE-004",
            "A higher owner's element takes a parameter, mapping or condition only a lower owner declares", Severity.HIGH, 20,
            "merge", "A parameter's default, a mapping's values or a condition's expression decide what the element "
                    + "becomes; declared only by a lower owner, they let that owner change the higher owner's element "
                    + "(e.g. open an ingress rule through a parameter default, or drop a resource through a condition).",
            "Declare the parameter, mapping or condition in the higher owner's fragment too (identical declarations merge), "
                    + "or stop referring to it.", List.of(), "docs/merge.md#gh-merge-004");
    public static final Rule LOWER_TRANSFORM = new Rule("GH-MERGE-005",
            "A lower-precedence owner adds a Transform that rewrites the whole template", Severity.HIGH, 20, "merge",
            "A template-level Transform (a macro, AWS::Include, AWS::LanguageExtensions) runs over every resource, "
                    + "including higher owners' ones, after this check. Only AWS::Serverless-2016-10-31, which expands "
                    + "AWS::Serverless resources alone, is allowed from any owner.",
            "Ask the highest owner with fragments to declare the Transform, or drop it.", List.of(),
            "docs/merge.md#gh-merge-005");
    public static final Rule UNUSED_DESCRIPTION = new Rule("GH-MERGE-006", "A fragment's Description is not used",
            Severity.INFO, 0, "merge", "A template has one Description; the first in merge order (precedence, then path) "
                    + "is kept. Others are reported so that nothing is dropped silently.",
            "Nothing to do, or remove the Description from the fragment.", List.of(), "docs/merge.md#gh-merge-006");

    /** Every merge rule, in id order. */
    public static final List<Rule> ALL = List.of(REDEFINED, CONFLICT, ATTACHED, LOWER_DEPENDENCY, LOWER_TRANSFORM,
            UNUSED_DESCRIPTION);

    private MergeRules() {}
}
