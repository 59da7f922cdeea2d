package dev.margincall.observability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The newest {@code capacity} items of a stream that never ends, and how many there were in all. A
 * keeper runs for months: what it keeps of each event must not grow with the number of events, so
 * older items fall out while the count stays exact. Thread-safe: the keeper's thread adds, any
 * thread reads.
 */
public final class RecentWindow<T> {

    private final int capacity;
    private final ArrayDeque<T> items;
    private long total;

    public RecentWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a window keeps at least one item, got capacity " + capacity);
        }
        this.capacity = capacity;
        this.items = new ArrayDeque<>(Math.min(capacity, 64));
    }

    public synchronized void add(T item) {
        if (items.size() == capacity) {
            items.removeFirst();
        }
        items.addLast(item);
        total++;
    }

    /** The items kept, oldest first: every item when no more than {@link #capacity()} were added. */
    public synchronized List<T> items() {
        return new ArrayList<>(items);
    }

    public synchronized int size() {
        return items.size();
    }

    /** Items added since the start, including those no longer kept. */
    public synchronized long total() {
        return total;
    }

    public int capacity() {
        return capacity;
    }
}
