package gatehouse.pipeline.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.iac.load.DocumentLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Owners and precedence; the references the dependency and attachment checks rely on. */
class MergeSpecAndReferencesTest {
    static MergeSpec.Owner owner(String name) {
        return new MergeSpec.Owner(name, List.of(name + "/**"), List.of());
    }

    static final SourceSpan AT = SourceSpan.at("gatehouse.yml", 2, 3);

    @Test
    void defaultPrecedenceIsSecurityOpsDevThenOthersAsDeclared() {
        MergeSpec s = MergeSpec.of(Path.of("."), List.of(owner("qa"), owner("dev"), owner("security"), owner("audit")),
                List.of(), null, null, AT);
        assertThat(s.ranks()).containsExactly(List.of("security"), List.of("dev"), List.of("qa"), List.of("audit"));
        assertThat(s.rank("security")).isZero();
        assertThat(s.rank("audit")).isEqualTo(3);
    }

    @Test
    void precedenceListsRanksWithEqualsJoinedByPlus() {
        assertThat(MergeSpec.parsePrecedence(List.of("security, ops+qa ,dev"))).containsExactly(List.of("security"),
                List.of("ops", "qa"), List.of("dev"));
        MergeSpec s = MergeSpec.of(Path.of("."), List.of(owner("security"), owner("ops"), owner("qa")),
                MergeSpec.parsePrecedence(List.of("security", "ops+qa")), null, null, AT);
        assertThat(s.rank("ops")).isEqualTo(s.rank("qa")).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "security,security |               | owner security declared twice",
            "sec urity         |               | is not a plain name",
            "security,dev      | security      | owner dev has no place in the precedence",
            "security,dev      | security,qa,dev | precedence names qa, which is not a declared owner",
            "security,dev      | security,dev+security | precedence names security twice"})
    void badOwnersOrPrecedenceAreInputErrorsAtTheSection(String names, String precedence, String message) {
        List<MergeSpec.Owner> owners = java.util.Arrays.stream(names.split(",")).map(MergeSpecAndReferencesTest::owner).toList();
        List<List<String>> p = precedence == null ? List.of() : MergeSpec.parsePrecedence(List.of(precedence));
        assertThatThrownBy(() -> MergeSpec.of(Path.of("."), owners, p, null, null, AT)).isInstanceOf(InputException.class)
                .hasMessageContaining("gatehouse.yml:2:3: error: ").hasMessageContaining(message);
    }

    @Test
    void anOwnerWithoutPathsIsAnInputError() {
        assertThatThrownBy(() -> MergeSpec.of(Path.of("."), List.of(new MergeSpec.Owner("dev", List.of(), List.of())), List.of(),
                null, null, AT)).hasMessageContaining("owner dev owns no paths");
    }

    /** {@code yaml} is one resource; {@code expected} its references as kind:name, in order. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{Type: T, Properties: {A: !Ref P, B: !Ref 'AWS::Region'}}                  | NAME:P",
            "{Type: T, Properties: {A: !GetAtt R.Arn, B: {'Fn::GetAtt': [S, Id]}}}     | RESOURCE:R RESOURCE:S",
            "{Type: T, Properties: {A: !Sub '${P}-${R.Arn}-${!Lit}-${AWS::Region}'}}   | NAME:P RESOURCE:R",
            "{Type: T, Properties: {A: !Sub ['${X}-${P}', {X: !Ref Q}]}}               | NAME:P NAME:Q",
            "{Type: T, Properties: {A: !FindInMap [M, !Ref P, k]}}                     | MAPPING:M NAME:P",
            "{Type: T, Condition: C, DependsOn: [R, S], Properties: {A: !If [D, 1, !Ref P]}} | CONDITION:C RESOURCE:R RESOURCE:S CONDITION:D NAME:P",
            "{Type: T, Properties: {A: {'Fn::And': [{Condition: C}, !Equals [!Ref P, x]]}}} | CONDITION:C NAME:P"})
    void referencesAreFoundInEveryIntrinsicForm(String yaml, String expected) {
        var v = DocumentLoader.defaults().load("r.yaml", yaml);
        List<String> got = References.of("Resources", v).stream().map(r -> r.kind() + ":" + r.name()).toList();
        assertThat(got).containsExactly(expected.split(" "));
    }
}
