package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The book's positions by dense account index (0, 1, 2… in order of first appearance; accounts are never
 * removed, an emptied position stays): the address, the position as given, its packed form for the fast
 * path (null when the reference path must evaluate it) and its eMode category. Arrays instead of maps so
 * the evaluation loops walk memory in order and other structures (the dependency index, the results)
 * refer to an account by an int.
 */
final class AccountTable {

    private final Map<Address, Integer> indexes = new HashMap<>();
    private Address[] addresses = new Address[16];
    private Position[] positions = new Position[16];
    private long[][] packed = new long[16][];
    private int[] eModes = new int[16];
    /** Volatile: read by metrics from other threads. */
    private volatile int size;

    /** Stores the position (adding its account if new) and returns the account's index. */
    int put(Position position) {
        Integer known = indexes.get(position.account());
        int index;
        if (known == null) {
            index = size;
            grow(index + 1);
            indexes.put(position.account(), index);
            addresses[index] = position.account();
            size = index + 1;
        } else {
            index = known;
        }
        positions[index] = position;
        packed[index] = PackedPosition.pack(position);
        eModes[index] = position.eModeCategory();
        return index;
    }

    /** −1 when unknown. */
    int indexOf(Address account) {
        Integer index = indexes.get(account);
        return index == null ? -1 : index;
    }

    int size() {
        return size;
    }

    Address address(int index) {
        return addresses[index];
    }

    Position position(int index) {
        return positions[index];
    }

    long[] packed(int index) {
        return packed[index];
    }

    int eMode(int index) {
        return eModes[index];
    }

    /**
     * The address array itself, valid for indexes below the current size: an entry never changes once
     * written, and growth copies into a new array, so a holder of this reference keeps a consistent view.
     */
    Address[] addresses() {
        return addresses;
    }

    private void grow(int needed) {
        if (needed > addresses.length) {
            int capacity = Math.max(needed, addresses.length * 2);
            addresses = Arrays.copyOf(addresses, capacity);
            positions = Arrays.copyOf(positions, capacity);
            packed = Arrays.copyOf(packed, capacity);
            eModes = Arrays.copyOf(eModes, capacity);
        }
    }
}
