package net.zcc.agent.remote;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Runs in a child JVM for {@link SerialFilterTest}: the filter is JVM-wide and cannot be undone. */
public final class SerialFilterProbe {

    private SerialFilterProbe() {
    }

    public static void main(String[] args) throws Exception {
        boolean first = SerialFilter.denyAll();
        boolean second = SerialFilter.denyAll();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new ArrayList<>(List.of("payload")));
        }
        String outcome;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            in.readObject();
            outcome = "deserialised";
        } catch (InvalidClassException e) {
            outcome = "refused";
        }
        System.out.println("installed=" + first + " again=" + second + " " + outcome);
    }
}
