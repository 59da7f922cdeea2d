package dev.margincall.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.margincall.chain.AtomicFile;
import dev.margincall.chain.ChainJson;
import dev.margincall.risk.RiskReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes {@code report.json} and {@code report.html} into a directory (each replaced whole, never half-written). */
public final class ReportFiles {

    public static final String JSON = "report.json";
    public static final String HTML = "report.html";

    private ReportFiles() {
    }

    public static String json(RiskReport report) {
        try {
            return ChainJson.MAPPER.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the page's path. */
    public static Path write(RiskReport report, Path directory) throws IOException {
        Files.createDirectories(directory);
        AtomicFile.write(directory.resolve(JSON), json(report));
        Path page = directory.resolve(HTML);
        AtomicFile.write(page, ReportPage.render(report));
        return page;
    }
}
