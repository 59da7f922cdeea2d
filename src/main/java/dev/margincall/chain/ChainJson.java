package dev.margincall.chain;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.margincall.core.Address;
import java.io.IOException;
import java.math.BigInteger;

/**
 * The one JSON mapping for files we write (deployment, checkpoints): addresses as checksummed
 * strings, big numbers as decimal strings (readers in other languages lose precision above 2^53).
 */
public final class ChainJson {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("margin-call")
                    .addSerializer(Address.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Address value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                            gen.writeString(value.checksummed());
                        }
                    })
                    .addDeserializer(Address.class, new JsonDeserializer<>() {
                        @Override
                        public Address deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                            return Address.parseChecked(parser.getValueAsString());
                        }
                    })
                    .addSerializer(BigInteger.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(BigInteger value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                            gen.writeString(value.toString());
                        }
                    }))
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ChainJson() {
    }
}
