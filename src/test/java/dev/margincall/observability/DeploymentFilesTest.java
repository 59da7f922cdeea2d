package dev.margincall.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.margincall.app.config.ConfigLoader;
import dev.margincall.app.config.KeeperConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml, the Dockerfile, the Prometheus and Grafana files cannot be run here (no Docker
 * daemon): what can be checked without one is checked, so they do not drift from the code.
 */
class DeploymentFilesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void composeMountsFilesThatExistAndPublishesOnLoopbackOnly() throws Exception {
        JsonNode compose = YAML.readTree(Files.readString(Path.of("docker-compose.yml")));
        assertThat(compose.path("services").fieldNames()).toIterable().containsExactlyInAnyOrder("keeper", "prometheus", "grafana");
        List<String> mounts = new ArrayList<>();
        compose.path("services").forEach(service -> {
            service.path("volumes").forEach(v -> mounts.add(v.asText()));
            service.path("ports").forEach(p -> assertThat(p.asText()).as("published port").startsWith("127.0.0.1:"));
            if (!service.has("build")) { // pulled, not built here: a pinned version, never "latest"
                assertThat(service.path("image").asText()).as("pinned image").matches(".+:[^:]*\\d[^:]*");
            }
        });
        for (String mount : mounts) {
            String source = mount.split(":")[0];
            if (source.startsWith("./")) {
                assertThat(Path.of(source)).as("mounted by docker-compose.yml").exists();
            }
        }
    }

    @Test
    void theKeeperConfigOfComposeLoadsAndPrometheusScrapesItsPort() throws Exception {
        KeeperConfig config = ConfigLoader.load(Path.of("config/docker-keeper.yaml"), Map.of("ETH_RPC_URL", "https://rpc.example")::get);
        assertThat(config.metrics().enabled()).isTrue();
        assertThat(config.metrics().host()).as("inside a container: every interface").isEqualTo("0.0.0.0");
        JsonNode prometheus = YAML.readTree(Files.readString(Path.of("config/prometheus/prometheus.yml")));
        String target = prometheus.path("scrape_configs").get(0).path("static_configs").get(0).path("targets").get(0).asText();
        assertThat(target).isEqualTo("keeper:" + config.metrics().port());
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile).contains("EXPOSE " + config.metrics().port());
        assertThat(dockerfile.lines().filter(l -> l.startsWith("FROM ")).toList()).isNotEmpty().allSatisfy(l -> assertThat(l).matches("FROM \\S+:\\S*\\d\\S*( AS \\w+)?"));
    }

    @Test
    void grafanaProvisioningPointsTheDashboardAtPrometheus() throws Exception {
        JsonNode datasources = YAML.readTree(Files.readString(Path.of("config/grafana/provisioning/datasources/prometheus.yml")));
        JsonNode prometheus = datasources.path("datasources").get(0);
        assertThat(prometheus.path("type").asText()).isEqualTo("prometheus");
        assertThat(prometheus.path("url").asText()).isEqualTo("http://prometheus:9090");
        JsonNode dashboards = YAML.readTree(Files.readString(Path.of("config/grafana/provisioning/dashboards/margin-call.yml")));
        assertThat(dashboards.path("providers").get(0).path("options").path("path").asText()).isEqualTo("/var/lib/grafana/dashboards");

        JsonNode dashboard = JSON.readTree(Files.readString(Path.of("config/grafana/margin-call.json")));
        assertThat(dashboard.path("uid").asText()).isEqualTo("margin-call");
        JsonNode variable = dashboard.path("templating").path("list").get(0);
        assertThat(variable.path("type").asText()).isEqualTo("datasource");
        assertThat(variable.path("query").asText()).isEqualTo(prometheus.path("type").asText());
        dashboard.path("panels").forEach(panel -> {
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText()).isEqualTo("${datasource}");
                panel.path("targets").forEach(t -> assertThat(t.path("datasource").path("uid").asText()).isEqualTo("${datasource}"));
            }
        });
    }
}
