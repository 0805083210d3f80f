package gatehouse.cli.arch;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Enforces the module dependency directions of DESIGN.md on the compiled classes of every module
 * (the cli module sees them all on its test class path):
 * <pre>
 * core &lt;- guard &lt;- iac &lt;- pipeline &lt;- server &lt;- cli
 * core &lt;- secrets &lt;- pipeline;  core, guard &lt;- monitor &lt;- server;  core &lt;- aws &lt;- pipeline, monitor
 * core &lt;- store (the database and the audit log, gatehouse.store and gatehouse.audit) &lt;- pipeline, monitor
 * </pre>
 * plus the package rules of STYLE.md: {@code internal} packages are private to their module, and the
 * Guard AST knows nothing of parsing or evaluation. Layers for modules not built yet are optional, so
 * the rule already holds for them the day they arrive.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("gatehouse");
    }

    @Test
    void everyBuiltModuleIsImported() {
        // Guards against a vacuous pass: in a reactor build the other modules arrive as jars.
        for (String pkg : new String[] {"gatehouse.core", "gatehouse.guard", "gatehouse.cli"}) {
            org.assertj.core.api.Assertions.assertThat(classes.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
                    .as("classes of %s imported", pkg).isTrue();
        }
    }

    @Test
    void modulesDependOnlyAlongTheDesignedArrows() {
        ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInAnyPackage("gatehouse..")
                .withOptionalLayers(true)
                .layer("core").definedBy("gatehouse.core..")
                .layer("guard").definedBy("gatehouse.guard..")
                .layer("iac").definedBy("gatehouse.iac..")
                .layer("secrets").definedBy("gatehouse.secrets..")
                .layer("aws").definedBy("gatehouse.aws..")
                .layer("store").definedBy("gatehouse.store..", "gatehouse.audit..")
                .layer("monitor").definedBy("gatehouse.monitor..")
                .layer("pipeline").definedBy("gatehouse.pipeline..")
                .layer("server").definedBy("gatehouse.server..")
                .layer("cli").definedBy("gatehouse.cli..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("server").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("pipeline").mayOnlyBeAccessedByLayers("server", "cli")
                .whereLayer("monitor").mayOnlyBeAccessedByLayers("server", "cli")
                .whereLayer("store").mayOnlyBeAccessedByLayers("pipeline", "monitor", "server", "cli")
                .whereLayer("aws").mayOnlyBeAccessedByLayers("pipeline", "monitor", "server", "cli")
                .whereLayer("iac").mayOnlyBeAccessedByLayers("pipeline", "server", "cli")
                .whereLayer("secrets").mayOnlyBeAccessedByLayers("pipeline", "server", "cli")
                .whereLayer("guard").mayOnlyBeAccessedByLayers("iac", "monitor", "pipeline", "server", "cli");
        rule.check(classes);
    }

    @Test
    void coreDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("gatehouse.core..")
                .should().dependOnClassesThat().resideOutsideOfPackages("gatehouse.core..", "java..", "javax..",
                        "com.fasterxml.jackson..")
                .check(classes);
    }

    @Test
    void internalPackagesArePrivateToTheirModule() {
        for (String module : new String[] {"core", "guard", "iac", "secrets", "store", "audit", "aws", "monitor", "pipeline", "server", "cli"}) {
            noClasses().that().resideOutsideOfPackage("gatehouse." + module + "..")
                    .should().dependOnClassesThat().resideInAPackage("gatehouse." + module + "..internal..")
                    .allowEmptyShould(true)
                    .because("internal packages of " + module + " are not API")
                    .check(classes);
        }
    }

    @Test
    void theGuardAstKnowsNothingOfParsingOrEvaluation() {
        noClasses().that().resideInAPackage("gatehouse.guard.ast..")
                .should().dependOnClassesThat().resideInAnyPackage("gatehouse.guard.parse..", "gatehouse.guard.eval..",
                        "gatehouse.guard.report..", "gatehouse.guard.testing..")
                .check(classes);
    }

    @Test
    void theParserDoesNotEvaluate() {
        noClasses().that().resideInAPackage("gatehouse.guard.parse..")
                .should().dependOnClassesThat().resideInAnyPackage("gatehouse.guard.eval..", "gatehouse.guard.report..")
                .allowEmptyShould(true)
                .check(classes);
    }
}
