package gatehouse.monitor.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.core.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KafkaUrlTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "kafka://localhost:9092/cloudtrail?group=g                 | localhost:9092           | cloudtrail | g    | EARLIEST | 20000",
        "kafka://b1:9092,b2.example.com:19092/org.trail?group=mon-1 | b1:9092,b2.example.com:19092 | org.trail | mon-1 | EARLIEST | 20000",
        "kafka://[::1]:9092/t?group=a:b&from=latest&dedupe=0       | [::1]:9092               | t          | a:b  | LATEST   | 0",
        "kafka://10.0.0.7:9092/t_1?dedupe=1000000&group=x          | 10.0.0.7:9092            | t_1        | x    | EARLIEST | 1000000",
    })
    void validConsumerUrls(String url, String bootstrap, String topic, String group, KafkaUrl.From from, int window) {
        KafkaUrl k = KafkaUrl.forConsumer(url, "--input");
        assertThat(k.bootstrapServers()).isEqualTo(bootstrap);
        assertThat(k.topic()).isEqualTo(topic);
        assertThat(k.group()).isEqualTo(group);
        assertThat(k.from()).isEqualTo(from);
        assertThat(k.dedupeWindow()).isEqualTo(window);
        assertThat(KafkaUrl.forConsumer(k.display(), "--input")).as("display parses back to the same").isEqualTo(k);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "http://localhost:9092/t?group=g      | --input:1:1: error: not a Kafka URL: expected it to start with kafka://",
        "kafka://localhost:9092               | --input:1:23: error: missing /TOPIC after the brokers",
        "kafka://localhost/t?group=g          | --input:1:9: error: broker 'localhost' has no port (HOST:PORT, e.g. localhost:9092)",
        "kafka://localhost:99999/t?group=g    | --input:1:19: error: '99999' is not a port (1 to 65535)",
        "kafka://localhost:0/t?group=g        | --input:1:19: error: '0' is not a port (1 to 65535)",
        "kafka://a:1,,b:2/t?group=g           | --input:1:13: error: missing broker HOST:PORT",
        "kafka://a b:1/t?group=g              | --input:1:9: error: 'a b' is not a host name or address",
        "kafka://a:1/?group=g                 | --input:1:13: error: missing topic name after '/'",
        "kafka://a:1/my topic?group=g         | --input:1:13: error: 'my topic' is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)",
        "kafka://a:1/..?group=g               | --input:1:13: error: '..' is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)",
        "kafka://a:1/t?group=g&group=h        | --input:1:23: error: parameter 'group' given twice",
        "kafka://a:1/t?grp=g                  | --input:1:15: error: unknown parameter 'grp' (known: group, from, dedupe)",
        "kafka://a:1/t?group                  | --input:1:15: error: 'group' is not KEY=VALUE",
        "kafka://a:1/t?group=                 | --input:1:21: error: '' is not a valid group name (letters, digits, '.', '_', ':', '-')",
        "kafka://a:1/t?group=g&from=oldest    | --input:1:28: error: from must be 'earliest' or 'latest', not 'oldest'",
        "kafka://a:1/t?group=g&dedupe=-1      | --input:1:30: error: dedupe must be a number of records from 0 to 1000000, not '-1'",
        "kafka://a:1/t?group=g&dedupe=2000000 | --input:1:30: error: dedupe must be a number of records from 0 to 1000000, not '2000000'",
        "kafka://a:1/t                        | --input:1:14: error: a Kafka input needs a consumer group: add ?group=NAME",
    })
    void invalidConsumerUrlsPointAtTheProblem(String url, String headline) {
        assertThatThrownBy(() -> KafkaUrl.forConsumer(url, "--input"))
                .isInstanceOfSatisfying(InputException.class, e -> {
                    assertThat(e.first().headline()).isEqualTo(headline);
                    assertThat(e.first().code()).isEqualTo("input_url_error");
                    assertThat(e.first().hint()).isNotBlank();
                });
    }

    @Test
    void credentialsAreRefusedWithoutBeingEchoed() {
        assertThatThrownBy(() -> KafkaUrl.forConsumer("kafka://alice:s3cr3t-pw@broker:9092/t?group=g", "--input"))
                .isInstanceOfSatisfying(InputException.class, e -> {
                    assertThat(e.first().render()).doesNotContain("s3cr3t-pw").doesNotContain("alice")
                            .contains("credentials are not accepted");
                    assertThat(e.getMessage()).doesNotContain("s3cr3t-pw");
                });
    }

    @Test
    void aTopicToPublishToTakesNoConsumerParameters() {
        assertThat(KafkaUrl.forProducer("kafka://a:1,b:2/trail", "--to").brokers()).containsExactly("a:1", "b:2");
        assertThatThrownBy(() -> KafkaUrl.forProducer("kafka://a:1/trail?group=g", "--to"))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.first().headline()).isEqualTo(
                        "--to:1:18: error: a topic to publish to takes no parameters (group, from and dedupe are for consumers)"));
    }

    @Test
    void recognisesKafkaArguments() {
        assertThat(KafkaUrl.isKafka("kafka://x:1/t")).isTrue();
        assertThat(KafkaUrl.isKafka("KAFKA://x:1/t")).isTrue();
        assertThat(KafkaUrl.isKafka("trail.json.gz")).isFalse();
        assertThat(KafkaUrl.isKafka("-")).isFalse();
    }
}
