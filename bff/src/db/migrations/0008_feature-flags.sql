CREATE TABLE "feature_flag_audit" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"flag_key" text NOT NULL,
	"kind" text NOT NULL,
	"actor_id" uuid,
	"actor_name" text,
	"reason" text NOT NULL,
	"before" jsonb NOT NULL,
	"after" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feature_flag_audit_kind_check" CHECK ("feature_flag_audit"."kind" in ('change', 'ramp-scheduled', 'ramp-step', 'ramp-cancelled', 'ramp-reverted'))
);
--> statement-breakpoint
CREATE TABLE "feature_flag_ramp_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ramp_id" uuid NOT NULL,
	"percent" integer NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"applied_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "feature_flag_ramps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"flag_key" text NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"created_by" uuid,
	"reason" text NOT NULL,
	"targeting_before" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feature_flag_ramps_status_check" CHECK ("feature_flag_ramps"."status" in ('scheduled', 'completed', 'cancelled', 'reverted'))
);
--> statement-breakpoint
CREATE TABLE "feature_flags" (
	"key" text PRIMARY KEY NOT NULL,
	"declaration" jsonb NOT NULL,
	"targeting" jsonb NOT NULL,
	"orphaned" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "qa_roles" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "feature_flag_audit" ADD CONSTRAINT "feature_flag_audit_flag_key_feature_flags_key_fk" FOREIGN KEY ("flag_key") REFERENCES "public"."feature_flags"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feature_flag_ramp_steps" ADD CONSTRAINT "feature_flag_ramp_steps_ramp_id_feature_flag_ramps_id_fk" FOREIGN KEY ("ramp_id") REFERENCES "public"."feature_flag_ramps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feature_flag_ramps" ADD CONSTRAINT "feature_flag_ramps_flag_key_feature_flags_key_fk" FOREIGN KEY ("flag_key") REFERENCES "public"."feature_flags"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feature_flag_ramps" ADD CONSTRAINT "feature_flag_ramps_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qa_roles" ADD CONSTRAINT "qa_roles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "feature_flag_audit_flag_idx" ON "feature_flag_audit" USING btree ("flag_key","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "feature_flag_ramp_steps_ramp_idx" ON "feature_flag_ramp_steps" USING btree ("ramp_id","due_at");--> statement-breakpoint
CREATE INDEX "feature_flag_ramps_flag_idx" ON "feature_flag_ramps" USING btree ("flag_key","created_at" DESC NULLS LAST);--> statement-breakpoint
-- Reviewed, added by hand: the flags' audit trail is append-only. No route changes or removes an entry; this makes
-- sure no other code path, and no hand-typed statement, can either.
CREATE FUNCTION "feature_flag_audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'feature_flag_audit is append-only: an audit entry cannot be changed or removed (% refused)', TG_OP
		USING ERRCODE = 'restrict_violation';
END
$$;--> statement-breakpoint
CREATE TRIGGER "feature_flag_audit_no_update_or_delete" BEFORE UPDATE OR DELETE ON "feature_flag_audit" FOR EACH ROW EXECUTE FUNCTION "feature_flag_audit_append_only"();--> statement-breakpoint
CREATE TRIGGER "feature_flag_audit_no_truncate" BEFORE TRUNCATE ON "feature_flag_audit" FOR EACH STATEMENT EXECUTE FUNCTION "feature_flag_audit_append_only"();
