CREATE TABLE "export_file_chunks" (
	"job_id" uuid NOT NULL,
	"delivery" uuid NOT NULL,
	"seq" integer NOT NULL,
	"body" text NOT NULL,
	CONSTRAINT "export_file_chunks_job_id_delivery_seq_pk" PRIMARY KEY("job_id","delivery","seq")
);
--> statement-breakpoint
ALTER TABLE "export_files" ALTER COLUMN "body" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "export_files" ADD COLUMN "delivery" uuid;--> statement-breakpoint
ALTER TABLE "export_files" ADD COLUMN "byte_size" integer;--> statement-breakpoint
ALTER TABLE "export_file_chunks" ADD CONSTRAINT "export_file_chunks_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;