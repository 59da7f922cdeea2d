package dev.margincall.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class HexTest {

    @Test
    void quantitiesHaveNoLeadingZeros() {
        assertThat(Hex.quantity(0)).isEqualTo("0x0");
        assertThat(Hex.quantity(255)).isEqualTo("0xff");
        assertThatThrownBy(() -> Hex.quantity(BigInteger.valueOf(-1))).hasMessageContaining("negative");
    }

    @Test
    void wordsAre32BytesAndNegativeNumbersTwosComplement() {
        assertThat(Hex.word(BigInteger.ONE)).isEqualTo("0x" + "0".repeat(63) + "1");
        assertThat(Hex.word(BigInteger.valueOf(-1))).isEqualTo("0x" + "f".repeat(64));
        assertThatThrownBy(() -> Hex.word(BigInteger.ONE.shiftLeft(256))).hasMessageContaining("32 bytes");
    }

    @Test
    void parsesWithOrWithoutPrefixAndOddLengths() {
        assertThat(Hex.toBigInteger("0x")).isZero();
        assertThat(Hex.toLong("0x1f")).isEqualTo(31);
        assertThat(Hex.bytes("0xabc")).containsExactly(0x0a, 0xbc);
        assertThat(Hex.of(new byte[] {1, (byte) 0xff})).isEqualTo("0x01ff");
    }
}
