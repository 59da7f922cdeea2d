package dev.margincall.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AddressTest {

    /** The test vectors of EIP-55 itself. */
    @ParameterizedTest
    @ValueSource(strings = {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"})
    void checksumsAsEip55Says(String checksummed) {
        Address address = Address.of(checksummed.toLowerCase(Locale.ROOT));
        assertThat(address.checksummed()).isEqualTo(checksummed);
        assertThat(address).hasToString(checksummed);
        assertThat(Address.parseChecked(checksummed)).isEqualTo(address);
    }

    @Test
    void aMixedCaseAddressWithAWrongChecksumIsRejectedWithTheRightOne() {
        assertThatThrownBy(() -> Address.parseChecked("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"))
                .hasMessageContaining("wrong EIP-55 checksum").hasMessageContaining("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    }

    @Test
    void allLowerOrAllUpperCaseCarriesNoChecksumAndIsAccepted() {
        assertThat(Address.parseChecked("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")).isEqualTo(Address.parseChecked("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0x", "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae", "0xzaaeb6053f3e94c9b9a09f33669435e7ef1beaed"})
    void malformedAddressesAreRejectedSayingWhatIsExpected(String text) {
        assertThatThrownBy(() -> Address.of(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("40 hex digits");
    }

    @Test
    void theTailOfAHashIsAnAddress() {
        byte[] word = new byte[32];
        word[12] = (byte) 0xab;
        word[31] = 0x01;
        assertThat(Address.fromTail(word).hex()).isEqualTo("0xab00000000000000000000000000000000000001");
    }
}
