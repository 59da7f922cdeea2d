package dev.margincall.protocol.aavev3.model;

import java.util.BitSet;

/**
 * Which accounts (by {@link AccountTable} index) a price move touches: per reserve id the accounts using
 * it as collateral or debt, per eMode category its members (a category with its own price source moves
 * all of them). Bit sets: 125 KB per reserve for a million accounts, unions and walks in word steps.
 */
final class DependencyIndex {

    private BitSet[] byReserve = new BitSet[0];
    private final BitSet[] byEMode = new BitSet[PrimitiveBlock.EMODE_CATEGORIES];

    void add(int account, Position position) {
        forEachReserve(position, id -> reserve(id).set(account));
        eMode(position.eModeCategory()).set(account);
    }

    void remove(int account, Position position) {
        forEachReserve(position, id -> reserve(id).clear(account));
        eMode(position.eModeCategory()).clear(account);
    }

    /** Live set: copy before handing out. */
    BitSet usersOf(int reserveId) {
        return reserveId < byReserve.length && byReserve[reserveId] != null ? byReserve[reserveId] : new BitSet();
    }

    /** Live set: copy before handing out. */
    BitSet membersOf(int eModeCategory) {
        return eModeCategory >= 0 && eModeCategory < byEMode.length && byEMode[eModeCategory] != null ? byEMode[eModeCategory] : new BitSet();
    }

    private BitSet reserve(int id) {
        if (id >= byReserve.length) {
            byReserve = java.util.Arrays.copyOf(byReserve, id + 1);
        }
        if (byReserve[id] == null) {
            byReserve[id] = new BitSet();
        }
        return byReserve[id];
    }

    private BitSet eMode(int category) {
        if (category < 0 || category >= byEMode.length) {
            return new BitSet(); // not a uint8 category: nothing can move its price
        }
        if (byEMode[category] == null) {
            byEMode[category] = new BitSet();
        }
        return byEMode[category];
    }

    private static void forEachReserve(Position position, java.util.function.IntConsumer action) {
        int reserves = (position.userConfiguration().bitLength() + 1) / 2;
        for (int id = 0; id < reserves; id++) {
            if (position.isBorrowing(id) || position.isUsingAsCollateral(id)) {
                action.accept(id);
            }
        }
    }
}
