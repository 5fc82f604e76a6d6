# TranscriptStore tests. The contract runs from one source against memory:// and the shared
# redis-server fixture (REDIS); cluster_tests.cmake adds the cluster.
agenthost_add_catch_test(integration_transcripts_memory
  SOURCES integration/transcripts/transcript_contract_test.cpp)
agenthost_add_catch_test(integration_transcripts_redis
  SOURCES integration/transcripts/transcript_contract_test.cpp REDIS)
target_compile_definitions(integration_transcripts_redis PRIVATE AGENTHOST_SESSIONS_ON_REDIS)
foreach(target integration_transcripts_memory integration_transcripts_redis)
  agenthost_label_tests(${target} concurrency "concurrency:")
endforeach()
