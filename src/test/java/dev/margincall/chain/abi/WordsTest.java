package dev.margincall.chain.abi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class WordsTest {

    private static String word(BigInteger value) {
        return String.format("%64s", value.toString(16)).replace(' ', '0');
    }

    @Test
    void readsEachWordInPlaceWithOrWithoutThePrefixInEitherCase() {
        BigInteger max = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
        BigInteger odd = new BigInteger("1234567890abcdef1234567890abcdef", 16);
        String digits = word(BigInteger.ZERO) + word(odd) + word(max);

        for (String data : new String[] {"0x" + digits, digits, "0X" + digits.toUpperCase()}) {
            assertThat(Words.uint(data, 0)).isZero();
            assertThat(Words.uint(data, 1)).isEqualTo(odd);
            assertThat(Words.uint(data, 2)).as("never negative: the top bit is a digit").isEqualTo(max);
            assertThat(Words.bool(data, 1)).isTrue();
            assertThat(Words.count(data)).isEqualTo(3);
        }
    }

    @Test
    void aWordPastTheEndIsNamed() {
        assertThatThrownBy(() -> Words.uint("0x" + word(BigInteger.ONE), 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 words, word 1 asked");
    }
}
