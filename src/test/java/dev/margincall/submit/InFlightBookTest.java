package dev.margincall.submit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.core.BlockRef;
import dev.margincall.protocol.spi.PositionId;
import java.math.BigInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The submitter's tables stay bounded however long the keeper runs: back-offs stop doubling, old entries are forgotten. */
class InFlightBookTest {

    private final InFlightBook book = new InFlightBook(4);

    @Test
    void aBackOffDoublesUpTo64TimesTheFirst() {
        PositionId position = SubmitterTest.liquidation("unlucky").position();
        IntStream.range(0, 10).forEach(i -> book.backOff(position, 0));

        assertThat(book.accepting(position, 255)).isFalse();
        assertThat(book.accepting(position, 256)).as("4 << 6, not 4 << 9").isTrue();
    }

    @Test
    void anExpiredBackOffIsForgottenOnceTheLongestBackOffHasPassedSinceItEnded() {
        PositionId position = SubmitterTest.liquidation("forgotten").position();
        book.backOff(position, 0);
        book.backOff(position, 4); // until 12, two failures in a row

        book.forgetOld(12 + 256);
        book.backOff(position, 300);
        assertThat(book.accepting(position, 300 + 15)).as("still remembered: the third failure waits 16").isFalse();

        book.forgetOld(300 + 16 + 256 + 1);
        book.backOff(position, 600);
        assertThat(book.accepting(position, 604)).as("forgotten: the next failure is a first one again").isTrue();
    }

    @Test
    void aMinedLiquidationIsRememberedForReorgsOnlyAsDeepAsTheyAreFollowed() {
        InFlightBook.Flight shallow = flight("shallow", 7, 500);
        InFlightBook.Flight deep = flight("deep", 8, 100);
        book.mined(deep, "0xdeep", 101);
        book.mined(shallow, "0xshallow", 501);

        book.forgetOld(101 + InFlightBook.REORG_MEMORY_BLOCKS + 1);

        assertThat(book.reorged(new BlockRef(50, "0xancestor"))).extracting(InFlightBook.Mined::hash).containsExactly("0xshallow");
        assertThat(book.size()).isEqualTo(1);
        assertThat(book.accepting(shallow.submission.items().get(0).position(), 600)).isFalse();
        assertThat(book.accepting(deep.submission.items().get(0).position(), 600)).isTrue();
    }

    /**
     * The in-flight lookup counts the flights that carry each position: a position stays in flight while any flight carries
     * it (a batch and a reorged single of the same position), a flight replaced at its nonce stops counting, removing a flight
     * no longer in the book changes nothing, and a mined one no longer counts.
     */
    @Test
    void aPositionIsInFlightWhileAnyFlightCarriesIt() {
        Liquidation a = SubmitterTest.liquidation("a");
        Liquidation b = SubmitterTest.liquidation("b");
        Liquidation c = SubmitterTest.liquidation("c");
        InFlightBook.Flight batch = new InFlightBook.Flight(new Submission(java.util.List.of(a, b), SubmitterTest.TARGET, "0xba7c", true), 1,
                BigInteger.valueOf(600_000), block(10));
        InFlightBook.Flight single = new InFlightBook.Flight(Submission.single(a), 2, BigInteger.valueOf(300_000), block(10));
        book.add(batch);
        book.add(single);
        assertThat(book.inFlight(a.position()) && book.inFlight(b.position())).isTrue();

        book.remove(batch);
        assertThat(book.inFlight(a.position())).as("still carried by the single").isTrue();
        assertThat(book.inFlight(b.position())).isFalse();

        InFlightBook.Flight replacing = new InFlightBook.Flight(Submission.single(c), 2, BigInteger.valueOf(300_000), block(11));
        book.add(replacing); // the same nonce: the single is no longer in the book
        assertThat(book.inFlight(a.position())).isFalse();
        assertThat(book.inFlight(c.position())).isTrue();
        book.remove(single); // not in the book any more: nothing changes
        assertThat(book.inFlight(c.position())).isTrue();

        book.mined(replacing, "0xc", 12);
        assertThat(book.inFlight(c.position())).isFalse();
        assertThat(book.accepting(c.position(), 12)).isTrue();
    }

    private InFlightBook.Flight flight(String name, long nonce, long block) {
        InFlightBook.Flight flight = new InFlightBook.Flight(Submission.single(SubmitterTest.liquidation(name)), nonce, BigInteger.valueOf(300_000), block(block));
        book.add(flight);
        return flight;
    }

    private static dev.margincall.core.BlockRef block(long number) {
        return new dev.margincall.core.BlockRef(number, "0xb" + number);
    }
}
