package gatehouse.store;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/** The invocations of an {@link EachStore} test: one per {@link Dialect}, each with its own {@link TestStore}. */
public final class EachStoreExtension implements TestTemplateInvocationContextProvider {
    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> AnnotationSupport.isAnnotated(m, EachStore.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return Stream.of(Dialect.values()).map(Invocation::new);
    }

    private record Invocation(Dialect dialect) implements TestTemplateInvocationContext {
        @Override
        public String getDisplayName(int invocationIndex) {
            return dialect.name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new Lifecycle(dialect));
        }
    }

    /** Makes the test's store before anything of the test runs (skipping or failing there) and drops it after. */
    private static final class Lifecycle implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
        private final Dialect dialect;
        private TestStore store;

        Lifecycle(Dialect dialect) {
            this.dialect = dialect;
        }

        @Override
        public void beforeEach(ExtensionContext context) throws Exception {
            store = dialect == Dialect.POSTGRESQL ? TestStore.postgres(TestPostgres.require()) : TestStore.sqlite();
        }

        @Override
        public void afterEach(ExtensionContext context) throws Exception {
            if (store != null) {
                store.close();
                store = null;
            }
        }

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
            return p.getParameter().getType() == TestStore.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext e) {
            return store;
        }
    }
}
