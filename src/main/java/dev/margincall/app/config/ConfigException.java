package dev.margincall.app.config;

import java.util.List;

/** The configuration is wrong; every problem found, each naming its path and what to do. */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(String file, List<String> problems) {
        super("invalid configuration " + file + ":\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
