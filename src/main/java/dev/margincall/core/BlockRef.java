package dev.margincall.core;

/** A block by number and hash: a number alone does not say which fork. */
public record BlockRef(long number, String hash) {

    public BlockRef {
        if (number < 0) {
            throw new IllegalArgumentException("block number cannot be negative: " + number);
        }
    }
}
