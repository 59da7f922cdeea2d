package dev.margincall.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The shipped logback.xml, loaded into a fresh logger context as the launcher would load it, with
 * MARGIN_CALL_LOG_FORMAT unset (text) and set to json: what reaches stderr is checked line by line.
 */
class LoggingConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonFormatWritesOneJsonObjectPerEventWithItsKeyValues() throws Exception {
        String out = logWith("json");
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode event = JSON.readTree(lines.get(0));
        assertThat(event.path("level").asText()).isEqualTo("INFO");
        assertThat(event.path("loggerName").asText()).isEqualTo("margincall.keeper");
        assertThat(event.path("formattedMessage").asText()).isEqualTo("liquidation sent to 3 peers");
        assertThat(event.path("kvpList").toString()).contains("\"event\":\"sent\"", "\"nonce\":\"7\"");
        assertThat(event.has("timestamp")).isTrue();
    }

    @Test
    void textFormatIsTheDefaultAndWhatAnUnknownFormatGets() throws Exception {
        String line = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  margincall.keeper - liquidation sent to 3 peers event=\"sent\" nonce=\"7\"";
        assertThat(logWith(null).lines().toList()).singleElement().satisfies(l -> assertThat(l).matches(line));
        assertThat(logWith("xml").lines().toList()).as("a typo falls back to text, never to silence")
                .singleElement().satisfies(l -> assertThat(l).matches(line));
    }

    private static String logWith(String format) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what logback's SLF4J provider gives the real context
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            if (format != null) {
                context.putProperty("MARGIN_CALL_LOG_FORMAT", format);
            }
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(LoggingConfigTest.class.getResource("/logback.xml"));
            assertThat(context.getStatusManager().getCopyOfStatusList()).as("logback configuration problems")
                    .noneMatch(s -> s.getEffectiveLevel() >= Status.WARN);
            Logger logger = context.getLogger("margincall.keeper");
            logger.atInfo().addKeyValue("event", "sent").addKeyValue("nonce", 7).log("liquidation sent to {} peers", 3);
        } finally {
            context.stop();
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
