package io.sluice.worker.router.parameters;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Immutable copies of codec parameter maps that keep the given order (Map.copyOf would not). */
final class Parameters {

    private Parameters() {}

    static <V> Map<String, V> copyOf(Map<String, V> parameters) {
        if (parameters.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }
}
