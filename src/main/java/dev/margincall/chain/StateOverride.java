package dev.margincall.chain;

import dev.margincall.core.Address;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Storage words to assume in a call ({@code eth_call} / {@code eth_estimateGas} state override, the
 * {@code stateDiff} form: only the given slots differ). Slots and values are 32-byte hex words.
 */
public record StateOverride(Map<Address, Map<String, String>> storage) {

    public StateOverride {
        Map<Address, Map<String, String>> copy = new LinkedHashMap<>();
        storage.forEach((account, slots) -> copy.put(account, Map.copyOf(slots)));
        storage = Map.copyOf(copy);
    }

    public static StateOverride none() {
        return new StateOverride(Map.of());
    }

    /** This override plus {@code slot} of {@code account} set to {@code value}. */
    public StateOverride with(Address account, String slot, String value) {
        Map<Address, Map<String, String>> merged = new LinkedHashMap<>(storage);
        Map<String, String> slots = new LinkedHashMap<>(merged.getOrDefault(account, Map.of()));
        slots.put(slot, value);
        merged.put(account, slots);
        return new StateOverride(merged);
    }

    /** Every slot of {@code other} as well. */
    public StateOverride with(StateOverride other) {
        StateOverride merged = this;
        for (var account : other.storage.entrySet()) {
            for (var slot : account.getValue().entrySet()) {
                merged = merged.with(account.getKey(), slot.getKey(), slot.getValue());
            }
        }
        return merged;
    }

    public boolean isEmpty() {
        return storage.isEmpty();
    }
}
