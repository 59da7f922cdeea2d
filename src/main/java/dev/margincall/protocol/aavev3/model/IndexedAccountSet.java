package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.util.AbstractSet;
import java.util.BitSet;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An immutable set of accounts given by their {@link AccountTable} indexes: what the book returns for a
 * price move touching a hundred thousand accounts, without building a hash set of them (membership is
 * one map lookup and one bit test).
 */
final class IndexedAccountSet extends AbstractSet<Address> {

    private final AccountTable table;
    private final Address[] addresses;
    private final BitSet members;
    private final int size;

    /** {@code members} is owned by the set from now on. */
    IndexedAccountSet(AccountTable table, BitSet members) {
        this.table = table;
        this.addresses = table.addresses();
        this.members = members;
        this.size = members.cardinality();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean contains(Object o) {
        if (!(o instanceof Address account)) {
            return false;
        }
        int index = table.indexOf(account);
        return index >= 0 && members.get(index);
    }

    @Override
    public Iterator<Address> iterator() {
        return new Iterator<>() {
            private int next = members.nextSetBit(0);

            @Override
            public boolean hasNext() {
                return next >= 0;
            }

            @Override
            public Address next() {
                if (next < 0) {
                    throw new NoSuchElementException();
                }
                Address address = addresses[next];
                next = members.nextSetBit(next + 1);
                return address;
            }
        };
    }
}
