/*
 * ConnectCheck: reads Kafka records the way a Kafka Connect sink worker does,
 * with Kafka Connect's own JsonConverter (schemas.enable=true, the default),
 * and lists every key or value the converter refuses.
 *
 *   java -cp 'lib-<version>/*' walcast.ConnectCheck FILE...
 *
 * Each FILE holds one record a line, a JSON object with "topic", "key" and
 * "value" (other members are ignored).  "key" and "value" are either JSON
 * (an object, as walcast's output.format=record writes them: the exact bytes
 * of that member are given to the converter) or a string holding the JSON
 * text (as the golden files hold Debezium's records), or null.  Empty lines
 * are skipped.
 *
 * For each non-null key and value: JsonConverter.toConnectData(topic, bytes),
 * configured as a key or a value converter, then ConnectSchema.validateValue
 * on what it returns (what a sink's Struct.validate would check).  A
 * rejection prints "FILE:LINE: key|value of TOPIC rejected: MESSAGE" and the
 * record's text (shortened).  The last line is "N records, N keys and N values
 * converted, N rejected".  Exit status 0 when nothing was rejected, 1 when
 * something was, 2 on a usage or input error.
 */
package walcast;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;

public final class ConnectCheck {
    private static final int SHOWN = 400;

    private final JsonConverter keys = converter(true);
    private final JsonConverter values = converter(false);
    private final JsonFactory factory = new JsonFactory();
    private long records;
    private long keysDone;
    private long valuesDone;
    private long rejected;

    private static JsonConverter converter(boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "true"), isKey);
        return c;
    }

    /* One member of the record: its bytes as the converter gets them, or null. */
    private byte[] member(JsonParser p, byte[] line) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL)
            return null;
        if (t == JsonToken.VALUE_STRING)
            return p.getText().getBytes(StandardCharsets.UTF_8);
        int start = (int) p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        int end = (int) p.currentLocation().getByteOffset();
        byte[] raw = new byte[end - start];
        System.arraycopy(line, start, raw, 0, end - start);
        return raw;
    }

    private void check(String where, String what, String topic, byte[] data) {
        if (data == null)
            return;
        JsonConverter c = what.equals("key") ? keys : values;
        try {
            SchemaAndValue sv = c.toConnectData(topic, data);
            if (sv.schema() != null)
                ConnectSchema.validateValue(sv.schema(), sv.value());
        } catch (RuntimeException e) {
            rejected++;
            String text = new String(data, StandardCharsets.UTF_8);
            if (text.length() > SHOWN)
                text = text.substring(0, SHOWN) + "...";
            Throwable cause = e;
            StringBuilder msg = new StringBuilder(String.valueOf(e.getMessage()));
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
                msg.append(": ").append(cause.getMessage());
            }
            System.out.println(where + ": " + what + " of " + topic + " rejected: " + msg);
            System.out.println("    " + text);
            return;
        }
        if (what.equals("key"))
            keysDone++;
        else
            valuesDone++;
    }

    private void record(String where, byte[] line) throws IOException {
        String topic = null;
        byte[] key = null;
        byte[] value = null;
        try (JsonParser p = factory.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT)
                throw new IOException("not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (name.equals("key"))
                    key = member(p, line);
                else if (name.equals("value"))
                    value = member(p, line);
                else if (p.nextToken() == JsonToken.VALUE_STRING && name.equals("topic"))
                    topic = p.getText();
                else
                    p.skipChildren();
            }
        }
        if (topic == null)
            throw new IOException("no \"topic\"");
        records++;
        check(where, "key", topic, key);
        check(where, "value", topic, value);
    }

    private static List<byte[]> lines(byte[] all) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                byte[] l = new byte[i - start];
                System.arraycopy(all, start, l, 0, i - start);
                out.add(l);
                start = i + 1;
            }
        }
        return out;
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: walcast.ConnectCheck FILE...");
            System.exit(2);
        }
        ConnectCheck cc = new ConnectCheck();
        for (String file : args) {
            List<byte[]> ls;
            try {
                ls = lines(Files.readAllBytes(Paths.get(file)));
            } catch (IOException e) {
                System.err.println("ConnectCheck: could not read " + file + ": " + e.getMessage());
                System.exit(2);
                return;
            }
            for (int n = 0; n < ls.size(); n++) {
                byte[] l = ls.get(n);
                if (new String(l, StandardCharsets.UTF_8).isBlank())
                    continue;
                String where = file + ":" + (n + 1);
                try {
                    cc.record(where, l);
                } catch (IOException e) {
                    System.err.println("ConnectCheck: " + where + ": not a record: " + e.getMessage());
                    System.exit(2);
                }
            }
        }
        System.out.println(cc.records + " records, " + cc.keysDone + " keys and " + cc.valuesDone
                + " values converted, " + cc.rejected + " rejected");
        System.exit(cc.rejected == 0 ? 0 : 1);
    }
}
