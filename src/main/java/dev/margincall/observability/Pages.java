package dev.margincall.observability;

import java.util.Optional;

/**
 * Pages the metrics server serves beside /metrics and /health (the keeper's risk report): by path, the
 * content type and body, or empty for "not there (yet)", which the server answers with 503 and {@link #notYet}.
 */
public interface Pages {

    Pages NONE = new Pages() {
        @Override
        public boolean serves(String path) {
            return false;
        }

        @Override
        public Optional<Page> page(String path) {
            return Optional.empty();
        }
    };

    record Page(String contentType, byte[] body) {
    }

    boolean serves(String path);

    Optional<Page> page(String path);

    /** Why a served path has no page yet. */
    default String notYet(String path) {
        return path + " is not computed yet\n";
    }
}
