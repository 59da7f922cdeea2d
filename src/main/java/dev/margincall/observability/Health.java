package dev.margincall.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Named liveness and readiness checks, evaluated on demand (each request to /health): liveness says
 * the process is working and should not be restarted; readiness says it is doing its job now (the
 * keeper: backfill done, head fresh, an RPC endpoint usable). A check that throws counts as DOWN with
 * the exception's message, so a health request never fails itself.
 */
public final class Health {

    /** One check's answer: up or not, and a sentence saying why. */
    public record Check(boolean up, String detail) {

        public static Check up(String detail) {
            return new Check(true, detail);
        }

        public static Check down(String detail) {
            return new Check(false, detail);
        }
    }

    /** The checks of one request, in registration order; UP only when every one is. */
    public record Report(boolean up, Map<String, Check> checks) {
    }

    private final Map<String, Supplier<Check>> liveness = new LinkedHashMap<>();
    private final Map<String, Supplier<Check>> readiness = new LinkedHashMap<>();

    public synchronized Health liveness(String name, Supplier<Check> check) {
        liveness.put(name, check);
        return this;
    }

    public synchronized Health readiness(String name, Supplier<Check> check) {
        readiness.put(name, check);
        return this;
    }

    /** Liveness checks only. */
    public synchronized Report live() {
        return evaluate(liveness);
    }

    /** Liveness and readiness checks: ready means alive too. */
    public synchronized Report ready() {
        Map<String, Supplier<Check>> all = new LinkedHashMap<>(liveness);
        all.putAll(readiness);
        return evaluate(all);
    }

    private static Report evaluate(Map<String, Supplier<Check>> checks) {
        Map<String, Check> results = new LinkedHashMap<>();
        boolean up = true;
        for (Map.Entry<String, Supplier<Check>> entry : checks.entrySet()) {
            Check check;
            try {
                check = entry.getValue().get();
            } catch (RuntimeException e) {
                check = Check.down("check failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
            results.put(entry.getKey(), check);
            up &= check.up();
        }
        return new Report(up, results);
    }
}
