package gatehouse.monitor.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBroker.class)
class BrokerSmokeTest {
    @Test
    void starts(KafkaBroker.Running broker) throws Exception {
        String t = broker.newTopic("smoke", 3);
        try (var admin = broker.admin()) {
            assertThat(admin.describeTopics(java.util.List.of(t)).allTopicNames().get().get(t).partitions()).hasSize(3);
        }
    }
}
