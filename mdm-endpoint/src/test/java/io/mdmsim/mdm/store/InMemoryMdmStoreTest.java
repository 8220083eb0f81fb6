package io.mdmsim.mdm.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** The in-memory backend against the shared suite; "reopening" it sees the same maps, as a restart sees the disk. */
class InMemoryMdmStoreTest extends MdmStoreContract {

    @Override
    MdmStore create() {
        return MdmStore.inMemory();
    }

    @Override
    MdmStore reopen(MdmStore closed) {
        return ((InMemoryMdmStore) closed).reopen();
    }

    @Test
    void itSaysItLivesInMemory() {
        assertEquals("memory", store.location());
        assertFalse(store.persistent());
    }
}
