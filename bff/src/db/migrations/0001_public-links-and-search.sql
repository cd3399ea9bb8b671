ALTER TABLE "snips" ADD COLUMN "public_slug" text;--> statement-breakpoint
ALTER TABLE "snips" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('simple', title), 'A') || setweight(array_to_tsvector(tags), 'A') || setweight(to_tsvector('simple', body), 'C')) STORED NOT NULL;--> statement-breakpoint
-- Reviewed: public snips that exist already get their link before the check below holds them to it.
UPDATE "snips" SET "public_slug" = replace(gen_random_uuid()::text, '-', '') WHERE "visibility" = 'public';--> statement-breakpoint
CREATE UNIQUE INDEX "snips_public_slug_idx" ON "snips" USING btree ("public_slug");--> statement-breakpoint
CREATE INDEX "snips_search_idx" ON "snips" USING gin ("search");--> statement-breakpoint
ALTER TABLE "snips" ADD CONSTRAINT "snips_public_slug_check" CHECK (("snips"."visibility" = 'public') = ("snips"."public_slug" is not null));