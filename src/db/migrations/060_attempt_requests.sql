-- Issue 20 (docs/delivery-guarantees.md): how many times an attempt's request was handed to Meta. A try that finds
-- requests > 0 and no wamid cannot know whether Meta accepted the earlier request (a timeout, a reset, a worker
-- killed mid-send): its outcome is unknown, and it must not send again until the attempt's fate is known.
ALTER TABLE message_attempts ADD COLUMN requests integer NOT NULL DEFAULT 0;
