-- The unreconciled CONNECTs and DISCONNECTs by id: reconciliation reads them one event at a
-- time in id order from this index alone. The index it used, (reconciled, occurred_at), gave
-- them out of id order: every batch read and sorted every unreconciled row, REGISTERs
-- included (7.6M on the 10M file, seconds per batch, each minute).
CREATE INDEX sip_session_pending ON sip_session (reconciled, event, id);
