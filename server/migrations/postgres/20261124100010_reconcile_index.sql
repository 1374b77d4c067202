-- The unreconciled CONNECTs and DISCONNECTs by id: reconciliation reads them one event at a
-- time in id order from this index (a merge of each month's), without reading and sorting
-- every unreconciled row, REGISTERs included, for each batch.
CREATE INDEX sip_session_pending ON sip_session (reconciled, event, id);
