-- case: a row filter on a REPLICA IDENTITY FULL table with a TOASTed column: the insert an update becomes, and updates that keep the TOASTed value
CREATE TABLE public.docs (id int PRIMARY KEY, n int, big text);
ALTER TABLE public.docs REPLICA IDENTITY FULL;
ALTER TABLE public.docs ALTER COLUMN big SET STORAGE EXTERNAL;
CREATE PUBLICATION pub_docs FOR TABLE public.docs WHERE (n > 0);
