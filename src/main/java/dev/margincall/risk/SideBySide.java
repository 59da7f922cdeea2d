package dev.margincall.risk;

import java.util.List;
import java.util.function.Supplier;

/**
 * Runs independent parts of the report at the same time on the common fork-join pool, through a parallel stream so that the
 * calling thread works too (on two cores the pool has a single worker of its own); the parts' own parallel streams share that
 * pool. Each part keeps its own result, so what the report contains does not depend on how the parts interleave.
 */
final class SideBySide {

    private SideBySide() {
    }

    /** One part: its result, once {@link #run} has returned. */
    static final class Part<T> {
        private final Supplier<T> work;
        private T result;

        private Part(Supplier<T> work) {
            this.work = work;
        }

        T result() {
            return result;
        }
    }

    static <T> Part<T> part(Supplier<T> work) {
        return new Part<>(work);
    }

    /** Returns when every part is done (the stream's end publishes their results to the caller). */
    static void run(List<Part<?>> parts) {
        parts.parallelStream().forEach(SideBySide::compute);
    }

    private static <T> void compute(Part<T> part) {
        part.result = part.work.get();
    }
}
